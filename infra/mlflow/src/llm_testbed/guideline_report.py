"""Tables of the two Japanese reports, generated from the guideline data and the installed MLflow.

Sources: ``guideline/data/aiqm-3rd-edition.json`` (AIQM 3rd edition), ``guideline/data/
genai-qm-1st-edition.json`` (GenAI QM guideline components, project labels),
``guideline/data/aisi-evaluation-perspectives.json`` (AISI's ten evaluation perspectives),
``guideline/data/iso-iec-25059.json`` (ISO/IEC 25059 characteristics),
``guideline/mapping.json`` (metric or measure -> characteristics, level, rationale),
``aits/*/ait.manifest.json`` and, for the default metrics per model type and the inventory of
built-ins, the MLflow installed in this interpreter.

Each generated table sits in a report between ``<!-- generated:NAME begin -->`` and
``<!-- generated:NAME end -->``. ``python -m llm_testbed.guideline_report --write`` rewrites the
blocks in place; ``--check`` exits 1 and names every block that differs from the data.
"""

from __future__ import annotations

import argparse
import inspect
import json
import pkgutil
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[4]
AIQM_FILE = Path("guideline/data/aiqm-3rd-edition.json")
GENAI_FILE = Path("guideline/data/genai-qm-1st-edition.json")
AISI_FILE = Path("guideline/data/aisi-evaluation-perspectives.json")
ISO_FILE = Path("guideline/data/iso-iec-25059.json")
FRAMEWORK_KEYS = ("aisi", "iso25059")
MAPPING_FILE = Path("guideline/mapping.json")
MLFLOW_REPORT = Path("docs/mlflow-llm-evaluation.ja.md")
GUIDELINE_REPORT = Path("docs/metrics-vs-guideline.ja.md")
LLM_MODEL_TYPES = ("question-answering", "text-summarization", "text", "retriever")
SRC_METRICS = "mlflow.metrics"
SRC_GENAI_METRICS = "mlflow.metrics.genai"
SRC_SCORERS = "mlflow.genai.scorers"
MLFLOW_SOURCES = (SRC_METRICS, SRC_GENAI_METRICS, SRC_SCORERS)
_BRACES = re.compile(r"^([^{}]*)\{([^{}]*)\}([^{}]*)$")


def load_json(repo: Path, relative: Path) -> Any:
    """Parse ``repo/relative`` as UTF-8 JSON."""
    return json.loads((repo / relative).read_text(encoding="utf-8"))


def expand_measures(pattern: str) -> list[str]:
    """``"x{,_a,_b}"`` -> ``["x", "x_a", "x_b"]``; a name without braces is itself.

    Raises ValueError for more than one brace group or unbalanced braces."""
    if "{" not in pattern and "}" not in pattern:
        return [pattern]
    match = _BRACES.match(pattern)
    if match is None:
        raise ValueError(
            f"measure pattern {pattern!r} must have exactly one {{a,b,...}} group; "
            "split it into several mapping rows"
        )
    head, alternatives, tail = match.groups()
    return [head + alt + tail for alt in alternatives.split(",")]


def ait_manifests(repo: Path) -> dict[str, dict[str, Any]]:
    """AIT name (directory) -> parsed ``ait.manifest.json``, for every ``aits/*/``."""
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((repo / "aits").glob("*/ait.manifest.json"))
    }


# ---------------------------------------------------------------- installed MLflow inventory


def _quiet_import(name: str) -> Any:
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(name)


def _public_functions(module: Any, defined_in: Iterable[str]) -> set[str]:
    names = set(getattr(module, "__all__", ())) | {n for n in dir(module) if not n.startswith("_")}
    modules = set(defined_in)
    found = set()
    for name in names:
        obj = getattr(module, name, None)
        if not inspect.isfunction(obj):
            continue
        if name in getattr(module, "__all__", ()) or obj.__module__ in modules:
            found.add(name)
    return found


@cache
def installed_inventory() -> dict[str, frozenset[str]]:
    """Every public metric function / built-in scorer name of the installed MLflow, per source.

    ``mlflow.metrics``: public functions exported or defined there (metrics and factories);
    ``mlflow.metrics.genai``: the same for the judge module; ``mlflow.genai.scorers``: the
    ``name`` of every concrete ``BuiltInScorer`` subclass. The mapping must list each one either
    as a row or under ``excluded``."""
    metrics = _quiet_import("mlflow.metrics")
    genai = _quiet_import("mlflow.metrics.genai")
    builtin = _quiet_import("mlflow.genai.scorers.builtin_scorers")
    scorers = set()
    for obj in vars(builtin).values():
        if inspect.isclass(obj) and issubclass(obj, builtin.BuiltInScorer):
            field = getattr(obj, "model_fields", {}).get("name")
            default = getattr(field, "default", None)
            if isinstance(default, str):
                scorers.add(default)
    return {
        SRC_METRICS: frozenset(_public_functions(metrics, ["mlflow.metrics"])),
        SRC_GENAI_METRICS: frozenset(
            _public_functions(genai, ["mlflow.metrics.genai.metric_definitions"])
        ),
        SRC_SCORERS: frozenset(scorers),
    }


def installed_scorer_modules() -> set[str]:
    """Submodules of ``mlflow.genai.scorers`` (internal ones and third-party integrations)."""
    package = _quiet_import("mlflow.genai.scorers")
    return {info.name for info in pkgutil.iter_modules(package.__path__)}


# LIMIT: reads MLflow's private DefaultEvaluator._builtin_metrics (pinned 3.17.2); a rename in a
# later MLflow fails the report generation and the tests, by design.
def default_metrics(model_type: str) -> list[str]:
    """Logged key prefix (``name/version`` or ``name``) of each default metric MLflow's default
    evaluator adds for ``model_type`` (``retriever`` with the default ``retriever_k`` = 3)."""
    default = _quiet_import("mlflow.models.evaluation.evaluators.default")
    # __init__ opens the tracking store (it creates ./mlflow.db); _builtin_metrics needs only
    # these two attributes.
    evaluator = default.DefaultEvaluator.__new__(default.DefaultEvaluator)
    evaluator.model_type = model_type
    evaluator.evaluator_config = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = evaluator._builtin_metrics()
    return [f"{m.name}/{m.version}" if m.version else m.name for m in built]


# ---------------------------------------------------------------- Markdown rendering


def _cell(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return text.replace("|", "\\|").replace("\n", " ")


def _code(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "—"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass(frozen=True)
class Data:
    """The guideline data, the mapping and the manifests, read once."""

    aiqm: dict[str, Any]
    genai: dict[str, Any]
    mapping: dict[str, Any]
    manifests: dict[str, dict[str, Any]]
    aisi: dict[str, Any]
    iso: dict[str, Any]

    @classmethod
    def load(cls, repo: Path = REPO) -> Data:
        return cls(
            load_json(repo, AIQM_FILE),
            load_json(repo, GENAI_FILE),
            load_json(repo, MAPPING_FILE),
            ait_manifests(repo),
            load_json(repo, AISI_FILE),
            load_json(repo, ISO_FILE),
        )

    def framework_names(self, key: str) -> dict[str, str]:
        """Project label -> display name for ``aisi`` (Japanese name) or ``iso25059`` (English
        name and this project's Japanese rendering)."""
        if key == "aisi":
            return {p["id"]: p["name"] for p in self.aisi["perspectives"]}
        return {c["id"]: f"{c['nameJa']} ({c['name']})" for c in self.iso["characteristics"]}

    def characteristic_names(self) -> dict[str, str]:
        """Known characteristic id -> display name (AIQM ids and GenAI project labels)."""
        names = {c["id"]: c["name"] for c in self.aiqm["characteristics"]}
        for entry in (*self.genai["components"], *self.genai["characteristics"]):
            names[entry["id"]] = entry["name"]
        return names

    def rows(self, source: str | None = None) -> list[dict[str, Any]]:
        rows = self.mapping["rows"]
        return [r for r in rows if source is None or r["source"] == source]

    def ait_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.mapping["rows"] if r["source"].startswith("ait:")]


def _level_ids(row: Mapping[str, Any]) -> str:
    return ", ".join(row["levels"]) or "—"


def _level(row: Mapping[str, Any]) -> str:
    """The Japanese level claim, with the reason when no characteristic applies."""
    return row["levelJa"] + (f" — {row['noneJa']}" if row.get("noneJa") else "")


def _ids(row: Mapping[str, Any], key: str) -> str:
    return ", ".join(row[key]) if row[key] else "—"


def _framework(row: Mapping[str, Any], key: str, data: Data) -> str:
    """An AISI or ISO/IEC 25059 cell: ids with names and the rationale, or なし and the reason."""
    entry = row.get(key) or {}
    if not entry.get("ids"):
        return "なし — " + entry.get("noneJa", "(理由なし)")
    names = data.framework_names(key)
    ids = ", ".join(f"{i} {names.get(i, '?')}" for i in entry["ids"])
    return f"{ids} — {entry.get('rationaleJa', '')}"


def table_model_types(data: Data) -> str:
    rows = [(f"`{mt}`", _code(default_metrics(mt))) for mt in LLM_MODEL_TYPES]
    return markdown_table(["model_type", "既定メトリクス (記録キーの接頭辞)"], rows)


def table_mlflow_metrics(data: Data) -> str:
    rows = []
    for row in (*data.rows(SRC_METRICS), *data.rows(SRC_GENAI_METRICS)):
        defaults = row.get("defaultFor")
        rows.append(
            (
                f"`{row['name']}`",
                row["source"],
                row.get("kind", ""),
                row.get("needs", ""),
                f"`{row['logged']}`",
                ", ".join(defaults) if defaults else "—",
                row["offline"],
            )
        )
    header = [
        "メトリクス",
        "モジュール",
        "種別",
        "必要な列",
        "記録名",
        "既定の model_type",
        "オフライン",
    ]
    return markdown_table(header, rows)


def table_scorers(data: Data) -> str:
    rows = [
        (
            f"`{r['name']}`",
            r.get("kind", ""),
            r.get("needs", ""),
            f"`{r['name']}/mean`",
            r["offline"],
        )
        for r in data.rows(SRC_SCORERS)
    ]
    return markdown_table(
        ["scorer (name)", "種別", "必要な入力", "集計メトリクス", "オフライン"], rows
    )


def table_characteristics(data: Data) -> str:
    base = data.aiqm["meta"]["qualityUrlBase"] + data.aiqm["meta"]["title"] + "/"
    rows = []
    for c in data.aiqm["characteristics"]:
        mlflow_n = sum(
            1 for r in data.rows() if r["source"] in MLFLOW_SOURCES and c["id"] in r["aiqm"]
        )
        ait_n = sum(
            len(expand_measures(r["measures"])) for r in data.ait_rows() if c["id"] in r["aiqm"]
        )
        rows.append(
            (
                c["id"],
                c["name"],
                c["englishName"],
                c["kind"],
                ", ".join(c["levels"]) or "—",
                mlflow_n,
                ait_n,
                f"`{base}{c['name']}`",
            )
        )
    header = ["ID", "名称", "English", "区分", "レベル", "MLflow 行数", "AIT 測定数", "quality URL"]
    return markdown_table(header, rows)


def table_mlflow_vs_guideline(data: Data) -> str:
    rows = [
        (
            f"`{r['name']}`",
            r["source"].removeprefix("mlflow."),
            _ids(r, "aiqm"),
            _ids(r, "genai"),
            _level_ids(r),
            _level(r),
            r["rationaleJa"],
        )
        for r in data.rows()
        if r["source"] in MLFLOW_SOURCES
    ]
    header = [
        "MLflow",
        "モジュール",
        "AIQM 第三版",
        "生成AI QM (本PJラベル)",
        "レベル ID",
        "示しうるレベル",
        "根拠",
    ]
    return markdown_table(header, rows)


def table_ait_vs_guideline(data: Data) -> str:
    rows = [
        (
            r["source"].removeprefix("ait:"),
            _code(expand_measures(r["measures"])),
            _ids(r, "aiqm"),
            _ids(r, "genai"),
            _level_ids(r),
            _level(r),
            r["rationaleJa"],
            _framework(r, "aisi", data),
            _framework(r, "iso25059", data),
        )
        for r in data.ait_rows()
    ]
    header = [
        "AIT",
        "measures",
        "AIQM 第三版",
        "生成AI QM (本PJラベル)",
        "レベル ID",
        "示しうるレベル",
        "根拠",
        "AISI 評価観点 (本PJラベル)",
        "ISO/IEC 25059 (本PJラベル)",
    ]
    return markdown_table(header, rows)


def table_coverage(data: Data) -> str:
    rows = []
    for c in data.aiqm["characteristics"]:
        cid = c["id"]
        mlflow_names = [
            r["name"] for r in data.rows() if r["source"] in MLFLOW_SOURCES and cid in r["aiqm"]
        ]
        ait_names = sorted(
            {r["source"].removeprefix("ait:") for r in data.ait_rows() if cid in r["aiqm"]}
        )
        planned = [
            f"{p['nameJa']} (issue {p['issue']})"
            for p in data.mapping["planned"]
            if cid in p["aiqm"]
        ]
        levels = set(c["levels"])
        with_level = any(levels & set(r["levels"]) for r in data.rows() if cid in r["aiqm"])
        if with_level:
            status = "レベルの証拠になる測定あり"
        elif mlflow_names or ait_names:
            status = "関連する測定のみ (レベルの証拠にならない)"
        elif planned:
            status = "計画中 (planned)"
        else:
            status = "測定なし (gap)"
        rows.append(
            (cid, c["name"], len(mlflow_names), _code(ait_names), "; ".join(planned) or "—", status)
        )
    header = ["ID", "名称", "MLflow 行数", "本PJの AIT", "計画中の AIT", "状態"]
    return markdown_table(header, rows)


def table_genai_components(data: Data) -> str:
    rows = []
    for comp in data.genai["components"]:
        mlflow_names = [
            r["name"]
            for r in data.rows()
            if r["source"] in MLFLOW_SOURCES and comp["id"] in r["genai"]
        ]
        ait_n = sum(
            len(expand_measures(r["measures"])) for r in data.ait_rows() if comp["id"] in r["genai"]
        )
        rows.append(
            (
                comp["id"],
                comp["name"],
                comp["englishName"],
                comp["status"],
                _code(mlflow_names),
                ait_n,
            )
        )
    header = ["本PJラベル", "構成要素", "English", "出典の確度", "対応する MLflow", "AIT 測定数"]
    return markdown_table(header, rows)


def table_excluded(data: Data) -> str:
    rows = [(f"`{e['name']}`", e["source"], e["reasonJa"]) for e in data.mapping["excluded"]]
    rows += [
        (f"`{m['module']}`", f"{SRC_SCORERS} (module)", m["reasonJa"])
        for m in data.mapping["scorerModules"]["integrations"]
    ]
    return markdown_table(["名前", "場所", "対応表に入れない理由"], rows)


TABLES: dict[Path, dict[str, Callable[[Data], str]]] = {
    MLFLOW_REPORT: {
        "model-types": table_model_types,
        "mlflow-metrics": table_mlflow_metrics,
        "scorers": table_scorers,
        "excluded": table_excluded,
    },
    GUIDELINE_REPORT: {
        "characteristics": table_characteristics,
        "genai-components": table_genai_components,
        "mlflow-vs-guideline": table_mlflow_vs_guideline,
        "ait-vs-guideline": table_ait_vs_guideline,
        "coverage": table_coverage,
    },
}


def _block(name: str) -> re.Pattern[str]:
    quoted = re.escape(name)
    begin = rf"(<!-- generated:{quoted} begin[^>]*-->\n)"
    return re.compile(begin + rf"(.*?)(<!-- generated:{quoted} end -->)", re.DOTALL)


def render(text: str, tables: Mapping[str, Callable[[Data], str]], data: Data) -> str:
    """``text`` with every generated block replaced by its table; raises ValueError naming a
    block whose begin/end markers are missing."""
    for name, make in tables.items():
        pattern = _block(name)
        if not pattern.search(text):
            raise ValueError(
                f"report has no block '{name}': add the lines '<!-- generated:{name} begin -->' "
                f"and '<!-- generated:{name} end -->' where the table belongs"
            )
        table = make(data)
        text = pattern.sub(lambda m, t=table: m.group(1) + t + "\n" + m.group(3), text, count=1)
    return text


def drifted_blocks(repo: Path = REPO) -> dict[Path, list[str]]:
    """Report -> names of generated blocks whose committed text differs from the data."""
    data = Data.load(repo)
    drift: dict[Path, list[str]] = {}
    for report, tables in TABLES.items():
        text = (repo / report).read_text(encoding="utf-8")
        names = [name for name, make in tables.items() if render(text, {name: make}, data) != text]
        if names:
            drift[report] = names
    return drift


def write_reports(repo: Path = REPO) -> list[Path]:
    """Rewrite the generated blocks of both reports; returns the reports that changed."""
    data = Data.load(repo)
    changed = []
    for report, tables in TABLES.items():
        path = repo / report
        text = path.read_text(encoding="utf-8")
        new = render(text, tables, data)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(report)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m llm_testbed.guideline_report", description=__doc__
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the generated tables")
    mode.add_argument(
        "--check", action="store_true", help="exit 1 if a table differs from the data"
    )
    parser.add_argument(
        "--repo", type=Path, default=REPO, help="repository root (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.write:
        changed = write_reports(args.repo)
        print("rewrote: " + (", ".join(map(str, changed)) if changed else "nothing (up to date)"))
        return 0
    drift = drifted_blocks(args.repo)
    for report, names in drift.items():
        print(
            f"{report}: tables differ from the data: {', '.join(names)}; run "
            "python -m llm_testbed.guideline_report --write",
            file=sys.stderr,
        )
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
