"""Views: the processed tables turned into the frames, labels and numbers that a figure, a report table or a
sentence needs. Figures and report both read them here, so each selection is written once."""
