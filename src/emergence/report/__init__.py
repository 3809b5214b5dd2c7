"""The published report: tables in four formats, the numbers quoted in the prose, notebook execution, HTML and PDF."""
