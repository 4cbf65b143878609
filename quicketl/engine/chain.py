"""The chain of relations from the sources through every transform.

Each step is created as a view over the previous one, bound against the sources' empty
stand-ins: that checks it against the real schema and gives its columns without reading
data. The query that reads data is the whole chain inlined as CTEs over the real reads, so
DuckDB plans it as one statement, as fast as the same SQL written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quicketl.config.loader import LoadedPipeline
from quicketl.config.transforms import Transform
from quicketl.config.yamlfile import Loc
from quicketl.engine.duckdb_session import Session
from quicketl.engine.relation import Relation
from quicketl.engine.sources import SourceTable, register_sources
from quicketl.engine.sql import ident
from quicketl.engine.transforms import CompiledStep, StepContext, compile_step
from quicketl.engine.translate import PREPARE_ERRORS, collected_errors, config_errors
from quicketl.errors import ConfigError, Problem
from quicketl.values import FrozenValue, MutableValue


@dataclass(frozen=True, repr=False, eq=False)
class Step(FrozenValue):
    index: int
    op: str
    relation: Relation
    body: str


@dataclass(repr=False, eq=False)
class Chain(MutableValue):
    sources: dict[str, SourceTable]
    primary: str
    steps: list[Step] = field(default_factory=list)

    @property
    def final(self) -> Relation:
        return self.steps[-1].relation if self.steps else self.sources[self.primary].relation

    def query(self, upto: int | None = None) -> str:
        """The SELECT that reads data through step `upto` (default: all of them)."""
        steps = self.steps if upto is None else self.steps[: upto + 1]
        last = steps[-1].relation if steps else self.sources[self.primary].relation
        ctes = [(s.relation.name, s.body) for s in self.sources.values() if s.body is not None]
        ctes += [(step.relation.name, step.body) for step in steps]
        if not ctes:
            return f"SELECT * FROM {last.ref}"
        inlined = ", ".join(f"{ident(name)} AS NOT MATERIALIZED ({body})" for name, body in ctes)
        return f"WITH {inlined} SELECT * FROM {last.ref}"


def build_chain(
    session: Session, loaded: LoadedPipeline, *, materialise: bool
) -> tuple[Chain | None, list[Problem]]:
    """The chain, or as much of it as is valid plus the problems that stopped it."""
    sources, problems = register_sources(session, loaded, materialise=materialise)
    if problems:
        return None, problems
    chain = Chain(sources, loaded.config.primary_name())
    found: list[Problem] = []
    for index, step in enumerate(loaded.config.transforms):
        problems = _add_step(session, loaded, chain, index, step)
        found += problems
        if problems and step.op not in ROW_ONLY_OPS:
            return None, found
    # A failed step that keeps its input's columns is checked past, so one pass finds the
    # problems of the later steps and checks too; the caller refuses the chain all the same.
    return chain, found


# Ops whose output has exactly their input's columns: past one that fails, the later steps
# still see the right schema.
ROW_ONLY_OPS = frozenset({"filter", "sort", "limit", "dedup"})


def _add_step(
    session: Session, loaded: LoadedPipeline, chain: Chain, index: int, step: Transform
) -> list[Problem]:
    compiled = compile_step(step, _context(session, loaded, chain, index))
    here: Loc = ("transforms", index)
    if compiled.issues:
        return [loaded.doc.problem((*here, *issue.loc), issue.message) for issue in compiled.issues]
    problems = _failures(session, loaded, here, compiled, chain.final.names, run=True)
    if problems:
        return problems
    name = f"qetl_step_{index}"
    blame = (*here, *compiled.blame)
    text = compiled.texts.get(compiled.blame)
    try:
        with config_errors(loaded.doc.locator(blame), chain.final.names, text):
            session.run_user_sql(f"CREATE TEMP VIEW {ident(name)} AS {compiled.sql}")
    except ConfigError as exc:
        return _failures(session, loaded, here, compiled, chain.final.names) or exc.problems
    chain.steps.append(Step(index, step.op, session.describe(name), compiled.sql))
    return []


def _failures(
    session: Session,
    loaded: LoadedPipeline,
    here: Loc,
    compiled: CompiledStep,
    columns: list[str],
    *,
    run: bool = False,
) -> list[Problem]:
    """The problems of the step's checks (run) or, by default, of its probes (only bound)."""
    problems: list[Problem] = []
    for loc, sql in compiled.checks if run else compiled.probes:
        located = loaded.doc.locator((*here, *loc))
        with collected_errors(problems, located, columns, compiled.texts.get(loc)):
            session.run_user_sql(sql if run else _bound_only(sql))
    return problems


def _context(session: Session, loaded: LoadedPipeline, chain: Chain, index: int) -> StepContext:
    def key(*spellings: str) -> str:
        return loaded.doc.spelling_at(("transforms", index), *spellings)

    def distinct_values(column: str) -> list[object]:
        return _distinct_values(session, chain, column)

    def binds(sql: str) -> bool:
        return _binds(session, sql)

    relations = {name: source.relation for name, source in chain.sources.items()}
    return StepContext(chain.final, relations, chain.primary, key, distinct_values, binds)


def _distinct_values(session: Session, chain: Chain, column: str) -> list[object]:
    # Pivot's output columns depend on the data, so this reads it (once, at preparation).
    name = ident(column)
    sql = f"SELECT DISTINCT {name} FROM ({chain.query()}) WHERE {name} IS NOT NULL ORDER BY 1"
    rows: list[tuple[Any, ...]] = session.run(sql)
    return [row[0] for row in rows]


def _bound_only(sql: str) -> str:
    """`sql` with no rows: running it checks names and types against the schema, reads nothing."""
    return f"SELECT * FROM ({sql}) LIMIT 0"


def _binds(session: Session, sql: str) -> bool:
    try:
        session.run_user_sql(_bound_only(sql))
    except PREPARE_ERRORS:
        return False
    return True
