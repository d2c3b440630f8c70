"""Validate a whole visit file in DuckDB: every broken rule becomes a row of an error table.

The file is read with every column as text, then one set of SQL checks runs over all rows at
once. A valid file leaves the typed table `visits` in the connection for storage and KPIs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from caremarket.monitoring.ehm.clock import ClockSql, zone_name
from caremarket.monitoring.ehm.errors import FileError
from caremarket.monitoring.ehm.precheck import SAVE_AS, file_first_period_start, file_precheck
from caremarket.monitoring.ehm.spec import (
    AT_HOME_METHODS,
    CHECK_IN_METHODS,
    COLUMN_NAMES,
    EXCEPTION_CODES,
    MAX_FIELD_LENGTH,
    REQUIRED,
    SERVICE_TYPES,
    VISIT_STATUSES,
)
from caremarket.monitoring.periods import PERIOD_DAYS, Period, period_starting

MAX_LINE_BYTES = 1_000_000
DATE_TIME_RULE = (
    "Not a date-time: use YYYY-MM-DD HH:MM (ISO 8601) or DD/MM/YYYY HH:MM, in UK time"
    " (an explicit offset such as Z or +01:00 may follow an ISO 8601 time)."
)
SKIPPED_RULE = (
    "This time never happened in the UK: the clocks went forward from 01:00 GMT to 02:00 BST"
    " that night. Use the time the EHM system recorded (from 02:00 BST)."
)
# Each check: (column, SQL condition on table v that marks a broken row, rule).
Check = tuple[str, str, str]


@dataclass(frozen=True)
class FileContext:
    provider_reference: str
    branches: Mapping[str, str]  # CQC location ID -> district code ("" when unknown)
    anchor: dt.date
    today: dt.date
    grace_days: int = 7
    # Given the file's distinct service-user references, returns the unknown ones.
    unknown_service_users: Callable[[set[str]], set[str]] | None = None


@dataclass
class Validated:
    rows: int = 0
    period: Period | None = None
    error_count: int = 0
    errors: list[FileError] = field(default_factory=list)
    warning_count: int = 0
    warnings: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _codes(values: object) -> str:
    return ", ".join(_lit(v) for v in values)  # type: ignore[attr-defined]


def _timestamp(col: str) -> str:
    # ISO 8601 (with T or space, seconds optional) or UK day-first; a time is required.
    # The last character must be a digit: DuckDB's cast would silently drop a zone it does not
    # apply (" UTC", "+01", "Europe/London"); offsets are split off before this is called.
    return (
        f"CASE WHEN contains({col}, ':') AND right({col}, 1) BETWEEN '0' AND '9'"
        f" THEN coalesce(try_cast({col} AS TIMESTAMP),"
        f" try_strptime({col}, ['%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S'])) END"
    )


def _trimmed(col: str) -> str:
    """The value without the spaces around it, NULL when nothing is left.

    DuckDB's trim removes Unicode space separators (Zs); in ASCII text the only one is ' ', so
    a value of ASCII characters (as many bytes as characters) that neither starts nor ends
    with one is kept as it is, without trim's copy (issue 13: a quarter of the pass's time).
    """
    return (
        f"CASE WHEN strlen({col}) = length({col}) AND {col} <> ''"
        f" AND NOT prefix({col}, ' ') AND NOT suffix({col}, ' ') THEN {col}"
        f" ELSE NULLIF(trim({col}), '') END"
    )


def _suffix(col: str) -> str:
    """The explicit UTC offset at the end of a date-time (Z, +01:00, +0100), or NULL.

    The cheap character tests come first so the regular expression runs only on the rare
    values that may carry an offset.
    """
    # The usual forms ("2026-01-05 07:00", with or without seconds) are 16 or 19 characters
    # with ':' third from the end, and no offset can end such a value unless '+' or '-' is
    # sixth from the end: one cheap test skips the rest for almost every value (issue 13).
    return (
        f"CASE WHEN length({col}) IN (16, 19) AND substr({col}, -3, 1) = ':'"
        f" AND substr({col}, -6, 1) NOT IN ('+', '-') THEN NULL"
        f" ELSE CASE WHEN right({col}, 1) IN ('Z', 'z') OR substr({col}, -6, 1) IN ('+', '-')"
        f" OR substr({col}, -5, 1) IN ('+', '-') OR substr({col}, -3, 1) IN ('+', '-') THEN"
        f" nullif(regexp_extract({col}, '(?:[Zz]|[+-][0-9][0-9](?::?[0-9][0-9])?)$'), '') END END"
    )


def _suffix_minutes(tz: str) -> str:
    return (
        f"CASE WHEN upper({tz}) = 'Z' THEN 0 WHEN {tz} IS NOT NULL THEN"
        f" (CASE WHEN left({tz}, 1) = '-' THEN -1 ELSE 1 END)"
        f" * (substr({tz}, 2, 2)::INTEGER * 60"
        f" + CASE WHEN length({tz}) = 3 THEN 0 ELSE right({tz}, 2)::INTEGER END) END"
    )


def _date(col: str) -> str:
    return f"coalesce(try_cast({col} AS DATE), try_strptime({col}, '%d/%m/%Y')::DATE)"


TIMESTAMPS = {
    "planned_start": "planned_start_ts",
    "planned_end": "planned_end_ts",
    "actual_check_in": "check_in_ts",
    "actual_check_out": "check_out_ts",
}
# (start, end) of each visit's two spans: each is read so that its length makes sense.
SPANS = (("planned_start", "planned_end"), ("actual_check_in", "actual_check_out"))
CODES = {
    "service_type": "service_type_c",
    "visit_status": "status_c",
    "check_in_method": "method_c",
    "exception_code": "exception_c",
    "time_critical": "time_critical_c",
}


def _instant(column: str) -> str:
    """The UTC instant of a parsed date-time (NULL for a time that never happened)."""
    return f"{column}__at"


def _instants() -> list[str]:
    # Worked out once for the checks that compare them (ten uses of four instants).
    return [f"({TIMESTAMPS[c]} - to_minutes({c}_off)) AS {_instant(c)}" for c in TIMESTAMPS]


def _clock_columns(clock: ClockSql) -> list[list[str]]:
    """Projections, in order, that turn each date-time text into UK wall-clock time and offsets.

    Split off an explicit offset; parse the rest; for an explicit offset, convert to UK time;
    give each time the offset of its first and of its second occurrence.
    """
    fast, split, parse, wall, offsets = [], [], [], [], []
    for c in TIMESTAMPS:
        # Almost every value is written exactly YYYY-MM-DD HH:MM: one strict parse reads it, and
        # only the others go through the offset and format tests (issue 13). Such a value has
        # no offset, and DuckDB's cast reads it as the same time (test_validation.py).
        fast.append(
            f"CASE WHEN strlen({c}) = 16 THEN try_strptime({c}, '%Y-%m-%d %H:%M') END AS {c}__fast"
        )
        split.append(f"CASE WHEN {c}__fast IS NULL THEN {_suffix(c)} END AS {c}__tz")
        parse += [
            f"CASE WHEN {c}__tz IS NULL THEN {c}"
            f" ELSE rtrim(left({c}, length({c}) - length({c}__tz))) END AS {c}__body",
            f"{_suffix_minutes(c + '__tz')} AS {c}__ex",
        ]
        wall.append(
            f"CASE WHEN {c}__fast IS NULL THEN {_timestamp(c + '__body')} ELSE {c}__fast END"
            f" AS {c}__wall"
        )
        utc = f"({c}__wall - to_minutes({c}__ex))"
        given = clock.offset_at_utc(utc)
        offsets += [
            f"CASE WHEN {c}__ex IS NULL THEN {c}__wall ELSE {utc} + to_minutes({given}) END"
            f" AS {TIMESTAMPS[c]}",
            f"CASE WHEN {c}__ex IS NULL THEN {clock.first_offset(c + '__wall')} ELSE {given} END"
            f" AS {c}__first",
            f"CASE WHEN {c}__ex IS NULL THEN {clock.second_offset(c + '__wall')} ELSE {given} END"
            f" AS {c}__second",
            f"{c}__ex IS NULL AND {clock.skipped(c + '__wall')} AS {c}_gap",
        ]
    return [fast, split, parse, wall, offsets]


def _span_offsets() -> list[str]:
    """Choose the reading of each time in the repeated hour (decision 0036).

    Of the possible readings the span takes the shortest length that is not negative; when
    both ends are in the repeated hour and in order, both are read as their first occurrence.
    """
    chosen = []
    for start, end in SPANS:
        s_ts, e_ts = TIMESTAMPS[start], TIMESTAMPS[end]
        nd = f"date_diff('minute', {s_ts}, {e_ts})"
        s_amb, e_amb = f"{start}__first <> {start}__second", f"{end}__first <> {end}__second"
        a = (
            f"CASE WHEN {s_amb} AND NOT coalesce({e_amb}, false)"
            f" AND {nd} + {start}__second - {end}__first >= 0"
            f" THEN {start}__second ELSE {start}__first END"
        )
        b = (
            f"CASE WHEN {e_amb} AND {nd} + ({a}) - {end}__first < 0"
            f" THEN {end}__second ELSE {end}__first END"
        )
        chosen += [
            f"{a} AS {start}_off",
            f"coalesce({s_amb}, false) AS {start}_amb",
            f"{b} AS {end}_off",
            f"coalesce({e_amb}, false) AS {end}_amb",
        ]
    return chosen


# The plan operators that keep the CSV's row order. DuckDB guarantees it for scans,
# projections and filters, not for joins, and its optimiser turns a long IN list into a join
# (so the pass runs with that rewrite off, and its plan is checked before it runs). With more
# than one thread, only the batch copy writes the file in the scan's order.
ORDER_KEEPING = frozenset({"BATCH_COPY_TO_FILE", "PROJECTION", "FILTER", "READ_CSV"})
ONE_THREAD_COPY = "COPY_TO_FILE"
KEEP_ORDER_SETTING = "SET disabled_optimizers = 'in_clause'"


@dataclass(frozen=True)
class Pass:
    """What the one pass needs to know about a file and its rules."""

    path: Path
    names: list[str]
    limit: int
    clock: ClockSql
    checks: list[Check]
    period: Period | None
    ctx: FileContext


def _scan(
    con: duckdb.DuckDBPyConnection, *, job: Pass, parquet: Path
) -> tuple[list[FileError], bool]:
    """One pass over the CSV: parse and check every row, and write it as Parquet.

    Each row carries the numbers of the row-level checks it breaks (`_findings`, NULL for a
    clean row) and, only then, its values as sent (`_values`, in COLUMN_NAMES order) for the
    report, so a clean million-row file costs one scan and one Parquet write (issue 13).
    Checks that need the whole file (duplicates, unknown people) then read the Parquet file.

    Rows are not numbered in the pass (a window over the whole file kept it on one thread):
    the file keeps the CSV's order and a row's position in it gives its spreadsheet row
    (`_numbered`). Should the plan not keep that order, the pass numbers the rows itself;
    the second value says so.
    """
    target = _lit(str(parquet))
    con.execute(KEEP_ORDER_SETTING)
    try:
        sql = f"COPY ({_pass_select(job, numbered=False)}) TO {target} (FORMAT PARQUET)"
        numbered = not _keeps_order(con, sql)
        if numbered:
            sql = f"COPY ({_pass_select(job, numbered=True)}) TO {target} (FORMAT PARQUET)"
        con.execute(sql)
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0][:300]
        return [FileError(None, "", "", f"The file could not be read as CSV: {reason}")], False
    finally:
        con.execute("RESET disabled_optimizers")
    rejects = con.execute(
        "SELECT line, coalesce(column_name, ''), error_type, csv_line, error_message"
        " FROM ehm_rejects ORDER BY line"
    ).fetchall()
    return [_reject_error(*r, width=len(job.names)) for r in rejects], numbered


def _keeps_order(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    plan = con.execute("EXPLAIN (FORMAT JSON) " + sql).fetchall()
    found: set[str] = set()
    stack = [node for _, text in plan for node in json.loads(text)]
    while stack:
        node = stack.pop()
        found.add(node["name"])
        stack.extend(node.get("children", []))
    one_thread = con.execute("SELECT current_setting('threads') = 1").fetchone() == (True,)
    allowed = ORDER_KEEPING | ({ONE_THREAD_COPY} if one_thread else set())
    return bool(found) and found <= allowed


def _pass_select(job: Pass, *, numbered: bool) -> str:
    """The pass as one SELECT: the rows as stored, each with its findings."""
    names = job.names
    columns = "{" + ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in names) + "}"
    trimmed = ", ".join(
        f"{_trimmed(c)} AS {c}" if c in names else f"NULL::VARCHAR AS {c}" for c in COLUMN_NAMES
    )
    typed = (
        [f"upper({c}) AS {code}" for c, code in CODES.items()]
        + [f"CASE WHEN {TIMESTAMPS[c]} IS NULL THEN {c} END AS {c}__unparsed" for c in TIMESTAMPS]
        + [
            f"{_date('period_start')} AS period_start_d",
            "try_cast(carers AS INTEGER) AS carers_n",
        ]
    )
    source = (
        f"read_csv({_lit(str(job.path))}, columns={columns}, header=true, auto_detect=false,"
        f" delim=',', quote='\"', escape='\"', store_rejects=true, rejects_table='ehm_rejects',"
        f" rejects_scan='ehm_scans', rejects_limit={job.limit}, max_line_size={MAX_LINE_BYTES})"
    )
    # The header is row 1.
    row = "(row_number() OVER () + 1)::INTEGER AS row, " if numbered else ""
    query = f"SELECT {row}{trimmed} FROM {source}"
    for stage in [*_clock_columns(job.clock), typed, _span_offsets(), _instants()]:
        query = f"SELECT *, {', '.join(stage)} FROM ({query})"
    checks = job.checks
    marks = ", ".join(f"CASE WHEN {cond} THEN {i} END" for i, (_, cond, _) in enumerate(checks))
    # Most rows break nothing: one OR over the checks decides, and only a broken row builds
    # the list of the checks it breaks (building and filtering it for every row cost ~1 s).
    broken = " OR ".join(f"({cond})" for _, cond, _ in checks)
    query = (
        f"SELECT *, CASE WHEN {broken} THEN list_filter([{marks}], lambda x: x IS NOT NULL) END"
        f" AS _marks FROM ({query})"
    )
    return f"SELECT {'row, ' if numbered else ''}{_stored(job)} FROM ({query})"


def _stored(job: Pass) -> str:
    """The columns the store keeps, from the pass's own."""
    # A list in COLUMN_NAMES order, not a struct: one Parquet column to write instead of 16,
    # which for a clean file are all empty (a quarter of the write's time).
    values = ", ".join(_value(c) for c in COLUMN_NAMES)
    at_home = _codes(AT_HOME_METHODS)
    branches = job.ctx.branches
    districts = " ".join(f"WHEN {_lit(b)} THEN {_lit(d)}" for b, d in branches.items())
    offsets = {
        "planned_start": "planned_start",
        "planned_end": "planned_end",
        "actual_check_in": "check_in",
        "actual_check_out": "check_out",
    }
    return f"""
      {job.period.number if job.period else "NULL"}::INTEGER AS period,
      provider_reference, branch_reference,
      {f"CASE branch_reference {districts} END" if districts else "NULL::VARCHAR"} AS district,
      visit_reference, service_user_reference, carer_reference,
      service_type_c AS service_type,
      coalesce(time_critical_c = 'Y', false) AS time_critical,
      planned_start_ts AS planned_start, planned_end_ts AS planned_end,
      check_in_ts AS check_in, check_out_ts AS check_out,
      {", ".join(f"{c}_off::SMALLINT AS {o}_utc_offset" for c, o in offsets.items())},
      method_c AS check_in_method,
      coalesce(method_c IN ({at_home}), false) AS logged_at_home,
      coalesce(carers_n, 1)::INTEGER AS carers,
      status_c AS visit_status, exception_c AS exception_code,
      _marks AS _findings,
      CASE WHEN _marks IS NOT NULL THEN [{values}] END AS _values
    """


def _reject_error(
    line: int, column: str, kind: str, csv_line: str | None, message: str, *, width: int
) -> FileError:
    rules = {
        "INVALID ENCODING": f"The line is not UTF-8 text (wrong encoding): {SAVE_AS}.",
        "INVALID UNICODE": f"The line is not UTF-8 text (wrong encoding): {SAVE_AS}.",
        "MISSING COLUMNS": f"The line has fewer values than the header's {width} columns.",
        "TOO MANY COLUMNS": f"The line has more values than the header's {width} columns.",
        "UNQUOTED VALUE": "A quote inside an unquoted value: quote the field, double its quotes.",
        "LINE SIZE OVER MAXIMUM": f"The line is longer than {MAX_LINE_BYTES:,} bytes.",
    }
    value = (csv_line or "").strip()
    value = value[:100] + ("…" if len(value) > 100 else "")
    return FileError(int(line), column, value, rules.get(kind, message.splitlines()[0][:200]))


def _checks(ctx: FileContext, period: Period | None) -> list[Check]:
    """Every rule a row must pass, in the order the error report lists them."""
    return [
        *_presence_checks(),
        *_reference_checks(ctx),
        *_code_checks(),
        *_time_checks(),
        *_period_checks(ctx, period),
    ]


def _presence_checks() -> list[Check]:
    checks: list[Check] = [(c, _blank(c), "Required: the value is blank.") for c in REQUIRED]
    checks += [
        (c, f"length({c}) > {MAX_FIELD_LENGTH}", f"Longer than {MAX_FIELD_LENGTH} characters.")
        for c in COLUMN_NAMES
    ]
    delivered_needs = ("actual_check_in", "actual_check_out", "check_in_method", "carer_reference")
    checks += [
        (c, f"status_c = 'DELIVERED' AND {_blank(c)}", "Required for a DELIVERED visit.")
        for c in delivered_needs
    ]
    return checks


def _reference_checks(ctx: FileContext) -> list[Check]:
    anchor = f"DATE {_lit(ctx.anchor.isoformat())}"
    return [
        (
            "provider_reference",
            f"provider_reference <> {_lit(ctx.provider_reference)}",
            f"Must be your organisation's CQC provider ID, {ctx.provider_reference}.",
        ),
        (
            "branch_reference",
            f"branch_reference IS NOT NULL AND branch_reference NOT IN ({_known(ctx)})",
            "Not a registered CQC location (branch) of your organisation.",
        ),
        (
            "period_start",
            "period_start IS NOT NULL AND period_start_d IS NULL",
            "Not a date: use YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            "period_start",
            f"period_start_d IS NOT NULL AND (period_start_d < {anchor}"
            f" OR (period_start_d - {anchor}) % {PERIOD_DAYS} <> 0)",
            f"Not the first day of a four-week period (periods start every {PERIOD_DAYS} days"
            f" from {ctx.anchor:%-d %B %Y}).",
        ),
    ]


def _code_checks() -> list[Check]:
    return [
        (
            "service_type",
            f"service_type_c NOT IN ({_codes(SERVICE_TYPES)})",
            _one_of(SERVICE_TYPES),
        ),
        ("visit_status", f"status_c NOT IN ({_codes(VISIT_STATUSES)})", _one_of(VISIT_STATUSES)),
        (
            "check_in_method",
            f"method_c NOT IN ({_codes(CHECK_IN_METHODS)})",
            _one_of(CHECK_IN_METHODS),
        ),
        (
            "exception_code",
            f"exception_c NOT IN ({_codes(EXCEPTION_CODES)})",
            _one_of(EXCEPTION_CODES),
        ),
        ("time_critical", "time_critical_c NOT IN ('Y', 'N')", "Use Y or N (blank means N)."),
        (
            "carers",
            "carers IS NOT NULL AND (carers_n IS NULL OR carers_n NOT BETWEEN 1 AND 4)",
            "The number of carers must be a whole number from 1 to 4.",
        ),
    ]


def _time_checks() -> list[Check]:
    checks: list[Check] = [
        (
            "planned_end",
            f"{_instant('planned_end')} <= {_instant('planned_start')}",
            "The planned end must be after the planned start.",
        ),
        (
            "planned_end",
            f"{_instant('planned_end')} > {_instant('planned_start')} + INTERVAL 24 HOUR",
            "A planned visit cannot last more than 24 hours.",
        ),
        (
            "actual_check_out",
            f"{_instant('actual_check_out')} <= {_instant('actual_check_in')}",
            "Check-out is before (or the same as) check-in.",
        ),
        (
            "actual_check_in",
            f"abs(date_diff('minute', {_instant('planned_start')}, {_instant('actual_check_in')}))"
            " > 24 * 60",
            "Check-in is more than 24 hours from the planned start.",
        ),
        (
            "actual_check_out",
            f"{_instant('actual_check_out')} > {_instant('actual_check_in')} + INTERVAL 24 HOUR",
            "Check-out is more than 24 hours after check-in.",
        ),
        (
            "actual_check_in",
            "status_c IN ('MISSED', 'CANCELLED') AND NOT " + _blank("actual_check_in"),
            "A MISSED or CANCELLED visit has no check-in: leave it blank.",
        ),
        (
            "actual_check_out",
            "status_c IN ('MISSED', 'CANCELLED') AND NOT " + _blank("actual_check_out"),
            "A MISSED or CANCELLED visit has no check-out: leave it blank.",
        ),
    ]
    checks += [(column, f"{column}__unparsed IS NOT NULL", DATE_TIME_RULE) for column in TIMESTAMPS]
    checks += [(column, f"{column}_gap", SKIPPED_RULE) for column in TIMESTAMPS]
    return checks


def _period_checks(ctx: FileContext, period: Period | None) -> list[Check]:
    """Rows must all be for row 2's period."""
    if period is None:
        return []
    checks: list[Check] = [
        (
            "period_start",
            f"period_start_d <> DATE {_lit(period.start.isoformat())}",
            f"Every row must be for the same period as row 2 ({period.start:%-d %B %Y}).",
        ),
        (
            "planned_start",
            f"planned_start_ts::DATE NOT BETWEEN DATE {_lit(period.start.isoformat())}"
            f" AND DATE {_lit(period.end.isoformat())}",
            f"The planned start is outside the period ({period.start:%-d %b %Y} to"
            f" {period.end:%-d %b %Y}).",
        ),
    ]
    return checks


def _not_ended(ctx: FileContext, period: Period | None) -> str | None:
    """The rule a file breaks as a whole when its period is not over, reported on row 2."""
    if period is None or period.end < ctx.today:
        return None
    return f"The period has not ended yet: send its file after {period.end:%-d %B %Y}."


def _blank(column: str) -> str:
    return f"{column} IS NULL"


def _known(ctx: FileContext) -> str:
    return _codes(ctx.branches) if ctx.branches else "NULL"


def _value(column: str) -> str:
    """The cell as the error report shows it (a parsed date-time is shown normalised)."""
    if column in TIMESTAMPS:
        return f"coalesce({column}__unparsed, strftime({TIMESTAMPS[column]}, '%Y-%m-%d %H:%M'))"
    return column


def _one_of(codes: Mapping[str, str]) -> str:
    return "Not a valid code: use one of " + ", ".join(codes) + "."


def _file_period(
    con: duckdb.DuckDBPyConnection, text: str | None, ctx: FileContext
) -> Period | None:
    """Row 2's period, from its period_start as sent, before the one pass needs it."""
    if text is None:
        return None
    # Parsed as the pass parses period_start, so the two can never disagree.
    first = con.execute(f"SELECT {_date('x')} FROM (SELECT ?::VARCHAR AS x)", [text]).fetchone()
    if first is None or first[0] is None:
        return None
    return period_starting(first[0], anchor=ctx.anchor, grace_days=ctx.grace_days)


def _warnings() -> list[Check]:
    """Rows read with an interpretation the provider should see, though the file is accepted."""
    warnings: list[Check] = []
    for c in TIMESTAMPS:
        for which, test in (("first", "="), ("second", "<>")):
            zone = zone_name(60 if which == "first" else 0)
            warnings.append(
                (
                    c,
                    f"{c}_amb AND {c}_off {test} {c}__first",
                    "This time happened twice: the clocks went back from 02:00 BST to 01:00 GMT"
                    f" that night. Read as the {which} one ({zone}),"
                    " the reading that gives the visit the shortest length that is not negative."
                    " The file's value is kept as sent.",
                )
            )
    return warnings


def _numbered(parquet: Path, *, in_file: bool) -> str:
    """The stored rows with their spreadsheet row numbers (the header is row 1)."""
    file = _lit(str(parquet))
    if in_file:
        return f"read_parquet({file})"
    return (
        "(SELECT (file_row_number + 2)::INTEGER AS row, * EXCLUDE (file_row_number)"
        f" FROM read_parquet({file}, file_row_number = true))"
    )


def _collect(
    con: duckdb.DuckDBPyConnection, parquet: Path, rows: str, checks: list[Check], warnings: int
) -> None:
    """The findings of the pass as table `errors`, plus duplicated visit references.

    `rows` is the stored file with its row numbers (`_numbered`).
    """
    order = {c: i for i, c in enumerate(COLUMN_NAMES)}
    con.execute(
        "CREATE OR REPLACE TABLE checks (i INTEGER, col_order INTEGER, col VARCHAR, rule VARCHAR,"
        " warning BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO checks VALUES (?, ?, ?, ?, ?)",
        [
            (i, order[col], col, rule, i >= len(checks) - warnings)
            for i, (col, _, rule) in enumerate(checks)
        ],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE errors AS
        SELECT f.row, c.col_order, c.col, c.rule, c.warning,
          f._values[c.col_order + 1] AS full_value
        FROM (SELECT row, unnest(_findings) AS i, _values FROM {rows}
              WHERE _findings IS NOT NULL) f
        JOIN checks c USING (i)
        """
    )
    file = _lit(str(parquet))
    con.execute(
        f"""
        INSERT INTO errors
        SELECT row, {order["visit_reference"]}, 'visit_reference',
          'Duplicated: the visit reference is already used on an earlier row.', false,
          visit_reference
        FROM (
          SELECT row, visit_reference, min(row) OVER (PARTITION BY visit_reference) AS first
          FROM {rows}
          WHERE visit_reference IN (
            SELECT visit_reference FROM read_parquet({file}) WHERE visit_reference IS NOT NULL
            GROUP BY visit_reference HAVING count(*) > 1)
        ) WHERE row > first
        """
    )


def _check_not_ended(
    con: duckdb.DuckDBPyConnection, ctx: FileContext, period: Period | None, sent: str | None
) -> None:
    rule = _not_ended(ctx, period)
    if rule is not None:
        con.execute(
            "INSERT INTO errors VALUES (2, ?, 'period_start', ?, false, ?)",
            [COLUMN_NAMES.index("period_start"), rule, sent],
        )


def _check_service_users(con: duckdb.DuckDBPyConnection, rows: str, ctx: FileContext) -> None:
    if ctx.unknown_service_users is None:
        return
    con.execute(f"CREATE OR REPLACE VIEW v AS SELECT * FROM {rows}")
    references = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT service_user_reference FROM v WHERE service_user_reference IS NOT NULL"
        ).fetchall()
    }
    unknown = ctx.unknown_service_users(references)
    if not unknown:
        return
    con.execute("CREATE OR REPLACE TABLE unknown_people (reference VARCHAR)")
    con.executemany("INSERT INTO unknown_people VALUES (?)", [(r,) for r in sorted(unknown)])
    position = COLUMN_NAMES.index("service_user_reference")
    con.execute(
        f"INSERT INTO errors (row, col_order, col, rule, warning, full_value) SELECT v.row,"
        f" {position},"
        " 'service_user_reference', 'Unknown service-user reference: not a person whose care"
        " the council arranges with you.', false, service_user_reference FROM v"
        " JOIN unknown_people u"
        " ON u.reference = v.service_user_reference"
    )


def file_validate(
    con: duckdb.DuckDBPyConnection,
    *,
    path: Path,
    ctx: FileContext,
    parquet: Path,
    limit: int = 10_000,
) -> Validated:
    """Judge the whole file, writing its rows to `parquet` as it goes.

    On success the connection holds the view `visits` over that Parquet file (for the KPIs)
    and the file is what the store keeps; otherwise the caller discards it.
    """
    header, errors = file_precheck(path=path)
    if errors:
        return Validated(error_count=len(errors), errors=errors)
    sent = file_first_period_start(path=path, header=header)
    period = _file_period(con, sent, ctx)
    start = period.start if period else ctx.today
    clock = ClockSql.around(start=start, end=start + dt.timedelta(days=PERIOD_DAYS))
    warnings = _warnings()
    checks = [*_checks(ctx, period), *warnings]
    job = Pass(
        path=path,
        names=[h.strip().lower() for h in header],
        limit=limit,
        clock=clock,
        checks=checks,
        period=period,
        ctx=ctx,
    )
    errors, numbered = _scan(con, job=job, parquet=parquet)
    if errors:
        return Validated(error_count=len(errors), errors=errors[:limit])
    file = _lit(str(parquet))
    rows = con.execute(f"SELECT count(*) FROM read_parquet({file})").fetchone()
    if not rows or rows[0] == 0:
        return Validated(
            error_count=1,
            errors=[FileError(None, "", "", "The file has a header row but no visits.")],
        )
    numbered_rows = _numbered(parquet, in_file=numbered)
    _collect(con, parquet, numbered_rows, checks, len(warnings))
    _check_not_ended(con, ctx, period, sent)
    _check_service_users(con, numbered_rows, ctx)
    con.execute(
        "ALTER TABLE errors ADD COLUMN value VARCHAR;"
        " UPDATE errors SET value = CASE WHEN length(full_value) > 100"
        " THEN left(full_value, 100) || '…' ELSE full_value END"
    )
    counted = dict(con.execute("SELECT warning, count(*) FROM errors GROUP BY warning").fetchall())
    result = Validated(
        rows=int(rows[0]),
        period=period,
        error_count=int(counted.get(False, 0)),
        errors=_listed(con, warning=False, limit=limit),
        warning_count=int(counted.get(True, 0)),
        warnings=_listed(con, warning=True, limit=limit),
    )
    if result.ok:
        con.execute(f"CREATE OR REPLACE VIEW visits AS SELECT * FROM read_parquet({file})")
    return result


def _listed(con: duckdb.DuckDBPyConnection, *, warning: bool, limit: int) -> list[FileError]:
    return [
        FileError(int(r[0]), r[1], r[2] or "", r[3])
        for r in con.execute(
            "SELECT row, col, value, rule FROM errors WHERE warning = ?"
            f" ORDER BY row, col_order LIMIT {limit}",
            [warning],
        ).fetchall()
    ]
