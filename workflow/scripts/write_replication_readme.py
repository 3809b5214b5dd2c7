"""Rule write_replication_readme: the replication README in the structure of the AEA Data Editor's template."""

from pathlib import Path

from emergence.replication import machine, write_replication_readme
from emergence.report.provenance import git_commit
from emergence.runner import logged

snakemake = globals()["snakemake"]
with logged(snakemake.log[0]) as log:
    params, inputs = snakemake.params, snakemake.input
    benchmarks = {r["rule"]: Path(params.benchmarks) / f"{r['rule']}.tsv" for r in params.rules}
    path = write_replication_readme(
        snakemake.output.readme,
        title=params.title,
        commit=git_commit(Path.cwd()),
        manifests=inputs.manifests,
        datapackage=inputs.codebook,
        lock=inputs.lock,
        rules=params.rules,
        benchmarks={rule: p for rule, p in benchmarks.items() if p.is_file()},
        machine_info=machine(),
        seed=params.seed,
        benchmark_dir=params.benchmarks,
        notebook=Path(inputs.notebook).read_text(encoding="utf-8"),
    )
    log.info("wrote %s", path)
