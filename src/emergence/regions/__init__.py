"""Regions: the HCP census snapshot as tidy tables (`tidy`), and the regional structure built on them
(`structure`): location quotients, specialisation, concentration, establishments, rates, clusters placed."""
