"""Terminal rendering of prescriptions and the catalogue with rich tables."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .catalogue import Catalogue
from .prescription import Item, Prescription, Session
from .progress import ProgressReport, Target
from .rulebook import Rulebook
from .vocabulary import WEEK, Indicator

_INDICATOR_STYLE = {
    Indicator.critical: "bold red",
    Indicator.warning: "yellow",
    Indicator.info: "cyan",
}


def dose_text(i: Item) -> str:
    """`3 × 8-12`, `2 × 6 × 10 s hold / side`."""
    text = f"{i.sets} × {i.reps}"
    if i.hold_s:
        text += f" × {i.hold_s} s hold"
    if i.per_side:
        text += " / side"
    return text


def _items_table(items: Iterable[Item], title: str) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", expand=True)
    t.add_column("Exercise", ratio=5)
    t.add_column("Dose", ratio=3, no_wrap=True)
    t.add_column("Why (rules)", ratio=4, style="dim", overflow="fold")
    phase = None
    for i in items:
        if i.phase is not phase:
            phase = i.phase
            t.add_row(Text(phase.value.upper(), style="bold"), "", "")
        name = Text(i.name + (" (loaded)" if i.loaded else ""))
        if i.substitutes_for is not None:
            name.append(f"\n  instead of {i.substitutes_for.name}", style="italic dim")
        for a in i.adjustments:
            name.append(f"\n  {a.field} {a.before} → {a.after} ({a.rule})", style="dim")
        dose = f"{dose_text(i)}\nRPE ≤ {i.effort} · rest {i.rest_s} s"
        if i.tempo:
            dose += f"\ntempo {i.tempo}"
        t.add_row(name, dose, "\n".join(i.because))
    return t


def _grouped(sessions: list[Session]) -> list[tuple[str, Session]]:
    """Sessions with the same content, printed once under all their days."""
    groups: dict[str, list[Session]] = {}
    for s in sessions:
        groups.setdefault(s.model_dump_json(exclude={"day"}), []).append(s)
    return [(", ".join(x.day.value.capitalize() for x in ss), ss[0]) for ss in groups.values()]


def score_lines(p: Prescription) -> list[str]:
    """One short line per questionnaire given."""
    sc = p.scores
    out = []
    if sc.pain is not None:
        out.append(
            f"pain {sc.pain.nprs_now}/10 now, {sc.pain.nprs_worst_24h} worst ({sc.pain.band})"
        )
    if sc.start_back is not None:
        b = sc.start_back
        out.append(f"STarT Back {b.total}/9, distress {b.distress}/5: {b.category} risk")
    if sc.odi is not None:
        out.append(f"Oswestry {sc.odi.percent}% ({sc.odi.band})")
    if sc.quickdash is not None:
        q = sc.quickdash
        out.append(f"QuickDASH {q.score}" if q.score is not None else f"QuickDASH: {q.note}")
    if sc.roland_morris is not None:
        out.append(f"Roland-Morris {sc.roland_morris.score}/24")
    if sc.parq_plus is not None:
        out.append(f"PAR-Q+ {sc.parq_plus.outcome.replace('_', ' ')}")
    return out


def week_strip(p: Prescription) -> Text:
    by_day = {s.day: s.intensity for s in p.sessions}
    strip = Text()
    for d in WEEK:
        kind = by_day.get(d)
        style = {"intense": "bold white on red", "light": "black on cyan"}.get(kind or "", "dim")
        label = {"intense": "INTENSE", "light": "light"}.get(kind or "", "rest")
        strip.append(f" {d.value.capitalize()} {label} ", style=style)
        strip.append(" ")
    return strip


def terminal() -> Console:
    """A console that is wide enough for the tables even when output is piped."""
    c = Console()
    return c if c.is_terminal else Console(width=110)


def render_prescription(p: Prescription, rulebook: Rulebook, console: Console) -> None:
    status_style = "bold red" if p.status != "program" else "bold green"
    head = Text.assemble(
        (p.client.name, "bold"),
        f", {p.client.age}   status: ",
        (p.status, status_style),
        f"   rule base {p.rulebook}",
    )
    console.print(Panel(head, title="BackExpert prescription", box=box.ROUNDED))
    if p.referral is not None:
        body = Group(
            *(
                Text.assemble(
                    ("• " + r.reason, "bold"),
                    "\n  → ",
                    r.action,
                    (f"  [{', '.join(r.because)}]", "dim"),
                )
                for r in p.referral.reasons
            )
        )
        console.print(
            Panel(
                body,
                title=f"REFERRAL: {p.referral.urgency.value.replace('_', ' ').upper()}",
                style="bold red",
            )
        )
    if p.limitations:
        body = Group(
            *(
                Text.assemble(
                    ("• " + lim.reason, "bold"),
                    "\n  limited to: ",
                    lim.limited_to,
                    (f"  [{', '.join(lim.because)}]", "dim"),
                )
                for lim in p.limitations
            )
        )
        title = "CLEARANCE REQUIRED" if p.status == "clearance_required" else "PROGRAM LIMITED"
        console.print(Panel(body, title=title, style="bold yellow"))
    scores = score_lines(p)
    if scores:
        console.print(Text("Screening: ", style="bold") + Text(" · ".join(scores)))
    for f in p.flags:
        console.print(
            Text.assemble(
                (f"[{f.indicator.value}] ", _INDICATOR_STYLE[f.indicator]),
                f.message,
                (f"  ({', '.join(f.because)})", "dim"),
            )
        )
    if p.schedule is not None:
        console.print()
        console.print(week_strip(p))
        s = p.schedule
        console.print(
            f"{s.intense_sessions} intense + {s.light_sessions} light sessions; "
            f"at least {s.recovery_hours} h between intense sessions "
            f"(gaps: {', '.join(f'{g} h' for g in s.gaps_hours) or 'one session'})",
            style="dim",
        )
    for days, session in _grouped(p.sessions):
        console.print(_items_table(session.items, f"{days} — {session.intensity} session"))
    if p.daily:
        console.print(_items_table(p.daily, "Every day — scapular drills before work"))
    if p.excluded:
        t = Table(title="Considered and not prescribed", box=box.SIMPLE, title_justify="left")
        t.add_column("Exercise")
        t.add_column("Why not")
        for x in p.excluded:
            t.add_row(x.name, x.reason)
        console.print(t)
    gaps = [c for c in p.coverage if not c.covered]
    for c in gaps:
        console.print(f"[yellow]Not covered: {c.plane.replace('_', ' ')}[/] — {c.note}")
    if p.rules and p.status != "referral":
        t = Table(title="Why: the rules that fired", box=box.SIMPLE, title_justify="left")
        t.add_column("Rule", style="bold", no_wrap=True)
        t.add_column("Rationale")
        t.add_column("Source", style="dim")
        for r in p.rules:
            t.add_row(r.id, rulebook[r.id].summary(), r.source)
        console.print(t)


def render_catalogue(cat: Catalogue, console: Console) -> None:
    t = Table(title=f"Exercise catalogue ({len(cat.exercises)} exercises)", box=box.SIMPLE_HEAVY)
    for col in ("Id", "Name", "Pattern", "Loaded", "Equipment", "Default dose", "Regression"):
        t.add_column(col, overflow="fold")
    for e in cat:
        d = e.dose
        t.add_row(
            e.id,
            e.name,
            e.pattern.value,
            "yes" if e.loaded else "no",
            ", ".join(q.value for q in e.equipment) or "-",
            f"{d.sets} × {d.reps} @ RPE ≤{d.effort}",
            e.regression or "-",
        )
    console.print(t)


def render_rules(rulebook: Rulebook, console: Console) -> None:
    t = Table(title=f"Rule base {rulebook.version} ({len(rulebook.rules)} rules)", box=box.SIMPLE)
    t.add_column("Rule", style="bold", no_wrap=True)
    t.add_column("File", style="dim", no_wrap=True)
    t.add_column("Rationale")
    for r in rulebook:
        t.add_row(r.id, f"{r.file.rsplit('/', 1)[-1]}:{r.line}", r.summary())
    console.print(t)


# --- progress (issue 5) --------------------------------------------------------------------


def target_text(t: Target, new_exercise: bool = False) -> str:
    """`62.5 kg × 4-6 × 3 sets`, `bodyweight × 6-9 × 3 sets`, `new load × 8-10 × 3 sets`."""
    load = f"{t.load_kg:g} kg" if t.load_kg is not None else "bodyweight"
    load = "new load" if t.load_kg is None and new_exercise else load
    return f"{load} × {t.reps} × {t.sets} sets"


def render_progress(r: ProgressReport, console: Console) -> None:
    head = Text.assemble(
        (r.client.name, "bold"),
        f"   as of {r.as_of or 'no sessions yet'}",
        f"   progression rules {r.rulebook}",
    )
    basis = (
        f"targets from the assessment of {r.assessment.created_at:%Y-%m-%d}"
        if r.assessment
        else "no saved assessment: targets from the log or the catalogue"
    )
    console.print(Panel(Group(head, Text(basis, style="dim")), title="BackExpert progress"))
    names = {e.exercise: e.name for e in r.exercises}
    for f in r.flags:
        where = " · ".join(x for x in (names.get(f.exercise or ""), f.detail) if x)
        console.print(
            Text.assemble(
                (f"[{f.indicator.value}] ", _INDICATOR_STYLE[f.indicator]),
                (f"{where}: " if where else "", "bold"),
                f.message,
                (f"  ({', '.join(f.because)})", "dim"),
            )
        )
    if r.recommendations:
        t = Table(title="Next session", box=box.SIMPLE_HEAVY, title_justify="left", expand=True)
        t.add_column("Exercise", ratio=3)
        t.add_column("Action", no_wrap=True)
        t.add_column("Target", ratio=3)
        t.add_column("Why", ratio=5, overflow="fold")
        for rec in r.recommendations:
            moved = rec.target.exercise != rec.exercise
            target = target_text(rec.target, moved)
            if moved:
                target = f"→ {rec.target.name}\n{target}"
            why = Text(rec.reason)
            for n in rec.notes:
                why.append(f"\n{n}", style="italic")
            why.append("\n" + ", ".join(rec.because), style="dim")
            t.add_row(rec.name, rec.action.value.replace("_", " "), target, why)
        console.print(t)
    if r.exercises:
        t = Table(title="Trends", box=box.SIMPLE, title_justify="left")
        for col in ("Exercise", "Sessions", "Last", "Target", "Effort", "Performance", "Flat"):
            t.add_column(col)
        for e in r.exercises:
            p = e.history[-1]
            last = f"{p.top_load_kg:g} kg" if p.top_load_kg else "bodyweight"
            last += f" × {p.last_set_reps}" + (f" @ RPE {p.effort}" if p.effort else "")
            last += f", form {p.form}" if p.form else ""
            t.add_row(
                e.name,
                str(len(e.history)),
                last,
                f"{e.target_sets} × {e.target_reps} ({e.target_from})",
                e.effort_trend.value if e.effort_trend else "-",
                e.performance_trend.value if e.performance_trend else "-",
                str(e.flat_sessions),
            )
        console.print(t)
    for g in r.recovery:
        style = "yellow" if g.hours < 48 else "dim"
        console.print(f"intense sessions {g.first} → {g.second}: {g.hours} h", style=style)
