# Report: the report tables in four formats and the numbers the prose quotes (one job), then the notebook executed
# with its inputs declared and rendered to self-contained HTML and to PDF (one job).
# Needs figures.smk (REPORT_INPUTS, REPORT_STAGES, REPORT_SETTINGS, FIGURE_SVGS, FIGURES_TARGETS) included before it.
from emergence.report.catalog import TABLES
from emergence.report.results import SECTIONS
from emergence.report.tabulate import FORMATS as TABLE_FORMATS

REPORT_DIR = "reports"
REPORT_RESULTS = f"{REPORT_DIR}/results.json"
REPORT_NOTEBOOK = "notebooks/report.py"
REPORT_TABLES = [table.name for table in TABLES]
# Every table the report tables and the quoted numbers read (the manifests, `sources` and `files`, come apart).
REPORT_TABLE_INPUTS = {
    name: REPORT_INPUTS[name]
    for name in sorted(
        {name for part in (*TABLES, *SECTIONS) for name in part.inputs}
        - {"sources", "files"}
    )
}
REPORT_TABLE_FILES = {
    f"{name}_{fmt}": f"{REPORT_DIR}/tables/{name}.{fmt}"
    for name in REPORT_TABLES
    for fmt in TABLE_FORMATS
}


rule tabulate_report:
    input:
        **REPORT_TABLE_INPUTS,
        manifests=sorted(MANIFESTS.values()),
        code=code("tabulate_report.py"),
    output:
        **REPORT_TABLE_FILES,
        results=REPORT_RESULTS,
    log:
        "logs/report/tabulate_report.log",
    conda:
        "../envs/emergence.yaml"
    params:
        **REPORT_SETTINGS,
        stages=sorted(REPORT_STAGES),
    script:
        "../scripts/tabulate_report.py"


rule render_report:
    input:
        notebook=REPORT_NOTEBOOK,
        results=REPORT_RESULTS,
        figures=FIGURE_SVGS,
        tables=[path for key, path in REPORT_TABLE_FILES.items() if key.endswith("_md")],
        code=sorted(
            {
                *code("render_report.py"),
                *script_code(f"{workflow.basedir}/{REPORT_NOTEBOOK}"),
            }
        ),
    output:
        notebook=f"{REPORT_DIR}/report.ipynb",
        html=report(
            f"{REPORT_DIR}/report.html",
            caption="../report/report_html.rst",
            category="Report",
        ),
        pdf=report(
            f"{REPORT_DIR}/report.pdf",
            caption="../report/report_pdf.rst",
            category="Report",
        ),
    log:
        "logs/report/render_report.log",
    conda:
        "../envs/emergence.yaml"
    params:
        kernel=config["report"]["kernel"],
        timeout=config["report"]["timeout"],
        title=config["report"]["title"],
    script:
        "../scripts/render_report.py"


REPORT_TARGETS = [
    *FIGURES_TARGETS,
    REPORT_RESULTS,
    *REPORT_TABLE_FILES.values(),
    f"{REPORT_DIR}/report.ipynb",
    f"{REPORT_DIR}/report.html",
    f"{REPORT_DIR}/report.pdf",
]
