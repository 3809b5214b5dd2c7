# Report: the report tables in four formats and the numbers the prose quotes (one job), then the notebook executed
# with its inputs declared and rendered to self-contained HTML, to PDF and to Word (one job).
from emergence.report.catalog import TABLES
from emergence.report.results import SECTIONS
from emergence.report.tabulate import FORMATS as TABLE_FORMATS
from emergence.report.tabulate import WORKBOOK as TABLES_WORKBOOK

REPORT_DIR = "reports"
REPORT_RESULTS = f"{REPORT_DIR}/results.json"
REPORT_NOTEBOOK = "notebooks/report.py"
REPORT_BIBLIOGRAPHY = "notebooks/references.bib"
REPORT_TABLES = [table.name for table in TABLES]
# Every table the report tables and the quoted numbers read (the manifests, `sources` and `files`, come apart).
REPORT_TABLE_INPUTS = {
    name: TABLE_PATHS[name]
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
        workbook=f"{REPORT_DIR}/tables/{TABLES_WORKBOOK}",
        results=REPORT_RESULTS,
    log:
        "logs/report/tabulate_report.log",
    benchmark:
        f"{BENCHMARKS}/tabulate_report.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        settings=to_params(SETTINGS.views),
        config=config,  # recorded whole in the results file: any setting changed reruns the job
    script:
        "../scripts/tabulate_report.py"


rule render_report:
    input:
        notebook=REPORT_NOTEBOOK,
        bibliography=REPORT_BIBLIOGRAPHY,
        results=REPORT_RESULTS,
        manifests=sorted(MANIFESTS.values()),
        figures=registry.figure_paths("svg"),
        rasters=registry.figure_paths("png"),  # the Word file's pictures
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
        docx=f"{REPORT_DIR}/report.docx",
    log:
        "logs/report/render_report.log",
    benchmark:
        f"{BENCHMARKS}/render_report.tsv"
    conda:
        "../envs/emergence.yaml"
    params:
        kernel=config["report"]["kernel"],
        timeout=config["report"]["timeout"],
        report={key: config["report"][key] for key in ("title", "subtitle", "authors")},
        rules=workflow_rules,
    script:
        "../scripts/render_report.py"


REPORT_TARGETS = [
    REPORT_RESULTS,
    *REPORT_TABLE_FILES.values(),
    f"{REPORT_DIR}/report.ipynb",
    f"{REPORT_DIR}/report.html",
    f"{REPORT_DIR}/report.pdf",
    f"{REPORT_DIR}/report.docx",
]
