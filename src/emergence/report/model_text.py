"""The sentences of the report's growth-models section, written from the `models` entry of the results file.

Pure functions of the results, so the notebook only displays them and every number they print is a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from emergence.report.model_frames import VERDICT_LABELS, capitalised
from emergence.report.text import number

VERDICT_MEANING = {  # verdict -> (said of one series, said of several)
    "trend_stationary": (
        "it reads as a stable trend with passing deviations",
        "they read as stable trends with passing deviations",
    ),
    "difference_stationary": (
        "it reads as a random walk with drift, whose shocks persist",
        "they read as random walks with drift, whose shocks persist",
    ),
    "conflicting": ("both tests reject, so neither description fits, as happens around a break in the trend",) * 2,
    "inconclusive": ("neither test rejects, so the data cannot tell the two descriptions apart",) * 2,
}
UNTESTABLE = {
    "too_short": "a segment would be shorter than the stage's minimum segment length",
    "no_data": "the year lies outside the data",
}


def listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def growth(fit: Mapping, level: str) -> str:
    """'3.8 % a year (95 % interval 3.4 to 4.3)'."""
    return f"{number(fit['growth'])} % a year ({level} % interval {number(fit['low'])} to {number(fit['high'])})"


def trend_text(models: Mapping, focus: str) -> str:
    """Whole-sample growth of the total and of manufacturing, manufacturing by period, the fastest and slowest
    sectors, and which periods had classical intervals or no estimate at all."""
    trend, level = models["trend"], number(models["confidence"], 0)
    by_sector, labels = trend["by_sector"], trend["period_labels"]
    whole = by_sector["total"]["whole_sample"]
    text = f"From {whole['first_year']} to {whole['last_year']}, {focus}'s real value added grew {growth(whole, level)}"
    manufacturing = by_sector.get("manufacturing", {})
    if manufacturing.get("whole_sample", {}).get("growth") is not None:
        text += f" and its manufacturing {growth(manufacturing['whole_sample'], level)}"
    text += "."
    periods = [
        p for p in trend["periods"] if p != "whole_sample" and manufacturing.get(p, {}).get("growth") is not None
    ]
    if periods:
        trend_by_period = [
            f"{number(manufacturing[p]['growth'])} % in '{labels[p]}' "
            f"({manufacturing[p]['first_year']}-{manufacturing[p]['last_year']})"
            for p in periods
        ]
        text += f" By policy period, manufacturing's trend growth was {listing(trend_by_period)}."
    if trend["fastest_whole"]:
        text += (
            f" Over the whole sample the fastest-growing sector was {trend['fastest_whole'].lower()} and the slowest "
            f"{trend['slowest_whole'].lower()}."
        )
    if trend["classical"]:
        short = listing([f"'{c['period']}' ({c['years']} years of data)" for c in trend["classical"]])
        text += (
            f" The periods {short} are too short for HAC intervals; theirs are classical OLS intervals, which ignore "
            "autocorrelation and are too narrow if the deviations from trend persist."
        )
    if trend["not_estimated"]:
        missing = listing([f"{n['sector'].lower()} in '{n['period']}'" for n in trend["not_estimated"]])
        text += f" No trend could be estimated for {missing}: the period has too few years of data, or none."
    return text


def _from_policy(search: Mapping, events: Mapping[int, str]) -> str:
    years, nearest = search["years_from_policy"], search["nearest_policy_year"]
    name = f"the {events.get(nearest, nearest)} ({nearest})"
    if years == 0:
        return f"the launch year of {name}"
    return f"{abs(years)} year{'s' if abs(years) != 1 else ''} {'after' if years > 0 else 'before'} {name}"


def _segments(segments: Sequence[Mapping]) -> str:
    later = [f"{number(s['growth'])} % from {s['first_year']}" for s in segments[1:]]
    first = f"{number(segments[0]['growth'])} % a year up to {segments[0]['last_year']}"
    return f"In the segmented trend, growth was {listing([first, *later])}. "


def _tests(series: Mapping, alpha: float) -> str:
    tested = {year: t for year, t in series["tests"].items() if t["p"] is not None}
    if not tested:
        return ""
    joint = series["joint"]["p"] if series["joint"] else None
    text = "Bootstrap p-values of no change: " + listing([f"{number(t['p'], 3)} at {y}" for y, t in tested.items()])
    text += f", and {number(joint, 3)} for all launch years together. " if joint is not None else ". "
    level = number(100.0 * alpha, 0)
    if series["changed_at"]:
        return (
            text
            + f"At the {level} % level, trend growth changed at {listing([str(y) for y in series['changed_at']])}. "
        )
    together = joint is not None and joint < alpha
    return (
        text
        + f"No single launch year shows a change at the {level} % level"
        + (", though all of them together do. " if together else ". ")
    )


def break_text(series: Mapping, alpha: float, events: Mapping[int, str]) -> str:
    """One series: segment growth, the tests at the launch years, those that cannot be run, and the break found by
    searching every year."""
    text = f"**{series['label']}.** "
    if series["segments"]:
        text += _segments(series["segments"])
    text += _tests(series, alpha)
    for untested in series["untestable"]:
        reason = UNTESTABLE.get(untested["status"], untested["status"])
        text += f"The change at {untested['year']} cannot be tested: {reason}. "
    search = series["search"]
    if search["break_year"] is None:
        return text + "The series is too short to search for a break at an unknown year."
    return text + (
        f"Searching every year from {search['first_candidate']} to {search['last_candidate']}, a break in level and "
        f"slope fits best in {search['break_year']} (bootstrap p-value {number(search['p'], 3)}), "
        f"{_from_policy(search, events)}."
    )


def changes_text(breaks: Sequence[Mapping], alpha: float, years: Sequence[int]) -> str:
    """For every series tested, the launch years where trend growth changed at the level `alpha`."""
    level = number(100.0 * alpha, 0)
    parts = []
    for year in years:
        changed = [b["phrase"] for b in breaks if year in b["changed_at"]]
        parts.append(f"at {year} for {listing(changed)}" if changed else f"at {year} for none of them")
    return (
        f"Across the {len(breaks)} series of the table, trend growth changed at the {level} % level "
        + "; ".join(parts)
        + "."
    )


def _p(value: float | None, bound: str | None) -> str:
    return number(value, 3) + {"above": " or more", "below": " or less"}.get(bound or "", "")


def unit_root_text(models: Mapping, focus: str) -> str:
    """What ADF and KPSS, read together, say of the main series (grouped by verdict), and of all the focus
    country's series."""
    roots = models["unit_root"]
    text = ""
    for verdict, meaning in VERDICT_MEANING.items():
        group = [r for r in roots["main"] if r["verdict"] == verdict]
        if group:
            names = listing(
                [
                    f"{r['phrase']} (ADF p-value {_p(r['adf_p'], None)}, KPSS {_p(r['kpss_p'], r['kpss_bound'])})"
                    for r in group
                ]
            )
            one = len(group) == 1
            text += (
                f"{capitalised(names)} {'is' if one else 'are'} {VERDICT_LABELS[verdict]}: {meaning[0 if one else 1]}. "
            )
    if any(r["verdict"] == "difference_stationary" for r in roots["main"]):
        text += (
            "In so short a sample, a change in the trend of such a series is hard to tell from shocks that add up, "
            "so the break tests above describe the data more than they prove a change. "
        )
    counts = [f"{roots['by_verdict'][v]} {label}" for v, label in VERDICT_LABELS.items() if roots["by_verdict"].get(v)]
    if not counts:
        return text + f"None of the series of {focus} is long enough to test."
    counts[0] = counts[0].replace(" ", " is " if counts[0].startswith("1 ") else " are ", 1)
    return text + f"Of the {roots['tested']} series of {focus} tested, {listing(counts)}."


def _point(point: Mapping, forecast: Mapping, level: str) -> str:
    """'17.1 % in 2020 (95 % prediction interval 15.9 to 18.4)'."""
    places = 1 if forecast["share"] else 0
    value = number(point["value"], places) + (" %" if forecast["share"] else f" {forecast['unit']}")
    bounds = f"{number(point['lower'], places)} to {number(point['upper'], places)}"
    return f"{value} in {point['year']} ({level} % prediction interval {bounds})"


def forecast_text(models: Mapping, focus: str) -> str:
    """Which model won the backtest, and the best model's forecasts of each series against the plan's target."""
    backtest, level = models["backtest"], number(models["confidence"], 0)
    labels, winner = backtest["labels"], backtest["winner"]
    wins = listing([f"the {labels[m]} in {backtest['wins'][m]}" for m in backtest["models"]])
    text = (
        f"In the backtest, which forecasts the last years of the data from earlier origins, the model with the "
        f"smallest error was {wins} of the {backtest['series']} series of {focus}: the {labels[winner]} won. "
    )
    benchmark = backtest["benchmark"]
    ratios = [
        f"{number(backtest['median_ratio'][m], 2)} for the {labels[m]}" for m in backtest["models"] if m != benchmark
    ]
    if ratios:
        text += f"The median ratio of a model's RMSE to that of the {labels[benchmark]} was {listing(ratios)}."
    for forecast in models["forecasts"]:
        places = 1 if forecast["share"] else 0
        last = number(forecast["last_value"], places) + (" %" if forecast["share"] else f" {forecast['unit']}")
        text += f"\n\nFor {forecast['phrase']}, the last observation is {last} in {forecast['last_year']}. "
        if forecast["best"] is None:
            text += "No model was scored for it in the backtest."
            continue
        text += f"The best model for it in the backtest was the {forecast['best_label']}"
        if forecast["best_ratio"] is not None:
            text += f", with an RMSE {number(forecast['best_ratio'], 2)} times the random walk's"
        points = [p for p in (forecast["at_target"], forecast["horizon"]) if p]
        text += "; it forecasts " + listing([_point(p, forecast, level) for p in points]) + "."
        if forecast["at_target"] and models["target"]:
            text += " " + target_text(models["target"], forecast["at_target"])
    return text


def target_text(target: Mapping, point: Mapping) -> str:
    """The plan's share target beside the forecast for its year, with the caveat when the two shares differ."""
    if target["target"] > point["upper"]:
        place = "above the upper end of the prediction interval"
    elif target["target"] < point["lower"]:
        place = "below the lower end of the prediction interval"
    else:
        place = "inside the prediction interval"
    text = (
        f"The {target['plan']} set a target of {number(target['target'], 0)} {target['unit']} for the "
        f"{target['indicator']} by {target['horizon_end']}, which lies {place}"
    )
    if "GDP" in target["unit"]:
        text += "; but the target is a share of GDP, while the series is a share of value added at constant prices"
    text += "."
    if target["outcome"] is not None:
        text += f" The outcome measured was {number(target['outcome'])} {target['unit']} ({target['outcome_unit']})."
    return text
