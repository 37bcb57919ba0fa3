"""The terminal: prescriptions, progress reports, the catalogue and the rules as rich tables.

It renders the same views as the HTML reports (`PrescriptionView`, `ProgressView`), so a dose,
a week or a score reads the same on screen and on paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..assessment.prescription import Item
from ..clinical.catalogue import Catalogue
from ..clinical.words import Indicator
from ..knowledge.rules import Rulebook
from .prescription_view import PrescriptionView
from .progress_view import ProgressView
from .wording import dose_text, load_text, warmup_text

if TYPE_CHECKING:
    from ..store import ClientInfo

_INDICATOR_STYLE = {
    Indicator.critical: "bold red",
    Indicator.warning: "yellow",
    Indicator.info: "cyan",
}


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
        if i.load_note:
            name.append(f"\n  load: {i.load_note}", style="italic dim")
        dose = f"{dose_text(i)}\nRPE ≤ {i.effort} · rest {i.rest_s} s"
        if i.tempo:
            dose += f"\ntempo {i.tempo}"
        if i.load_kg:
            dose += f"\nstart {load_text(i)}"
        if i.warmup:
            dose += "\n" + warmup_text(i).replace(", ", "\n  ")
        t.add_row(name, dose, "\n".join(i.because))
    return t


def week_strip(view: PrescriptionView) -> Text:
    """The week as coloured day cells."""
    strip = Text()
    for c in view.week().cells:
        style = {"intense": "bold white on red", "light": "black on cyan"}.get(c.kind, "dim")
        label = {"intense": "INTENSE", "light": "light"}.get(c.kind, "rest")
        strip.append(f" {c.day.value.capitalize()} {label} ", style=style)
        strip.append(" ")
    return strip


def terminal() -> Console:
    """A console that is wide enough for the tables even when output is piped."""
    c = Console()
    return c if c.is_terminal else Console(width=110)


def render_prescription(view: PrescriptionView, console: Console) -> None:
    """The prescription as panels and tables."""
    p = view.prescription
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
    if view.overrides:
        body = Group(
            *(
                Text.assemble(
                    (f"• [{o.invariant}] {o.violation}", "bold"),
                    f"\n  edit {o.edit + 1} ({o.summary}); override by {o.clinician}: {o.reason}",
                )
                for o in view.overrides
            )
        )
        console.print(Panel(body, title="OVERRIDDEN BY THE CLINICIAN", style="bold red"))
    if view.edits:
        lines = [f"{n}. {what}: {why}" for n, (what, why) in enumerate(view.edits, start=1)]
        console.print(
            Panel(Text("\n".join(lines)), title=Text(f"Edited by the clinician ({view.edited_by})"))
        )
    for note in p.notes:  # what the clinician typed into the intake, as typed
        console.print(Text("Note: ", style="bold") + Text(note))
    scores = [row.line() for row in view.screening()]
    if scores:
        console.print(Text("Screening: ", style="bold") + Text(" · ".join(scores)))
    if p.status != "referral":
        level = p.load_level
        console.print(
            Text.assemble(
                ("Spinal load level: ", "bold"),
                (level.level.value, "bold"),
                f" - {level.meaning}",
                (f"  ({', '.join(level.because)})" if level.because else "", "dim"),
            )
        )
    for f in p.flags:
        console.print(
            Text.assemble(
                (f"[{f.indicator.value}] ", _INDICATOR_STYLE[f.indicator]),
                f.message,
                (f"  ({', '.join(f.because)})", "dim"),
            )
        )
    for a in view.advice():
        said = " ".join(x for x in (a.do, "; ".join(a.do_list), a.dont) if x)
        console.print(
            Text.assemble(
                ("[safety net] " if a.urgent else "[advice] ", "bold" if a.urgent else "dim"),
                f"{a.title}: {said}",
                (f"  ({', '.join(a.because)})", "dim"),
            )
        )
    if p.schedule is not None:
        console.print()
        console.print(week_strip(view))
        s = p.schedule
        console.print(
            f"{s.intense_sessions} intense + {s.light_sessions} light sessions; "
            f"at least {s.recovery_hours} h between intense sessions "
            f"(gaps: {', '.join(f'{g} h' for g in s.gaps_hours) or 'one session'})"
            + (
                f"; sessions of at most {s.minutes_per_session} min"
                if s.minutes_per_session
                else ""
            ),
            style="dim",
        )
        for note in s.notes:
            console.print(note, style="yellow")
    if view.plan_rows:
        t = Table(
            title="Plan over weeks (week 1 is this week)", box=box.SIMPLE, title_justify="left"
        )
        t.add_column("Weeks", no_wrap=True)
        t.add_column("Phase")
        t.add_column("Dose")
        t.add_column("Moves on when")
        t.add_column("Why (plan, rules)", style="dim", overflow="fold")
        for row in view.plan_rows:
            phase = row.name + (f"\ndeload: week {row.deloads}" if row.deloads else "")
            t.add_row(row.weeks, phase, row.dose, row.next, "\n".join(row.because))
        console.print(t)
        for line in view.plan_returns():
            console.print(f"Returns: {line}", style="dim")
    for g in view.session_groups():
        minutes = f" · about {round(g.minutes)} min" if g.minutes else ""
        console.print(_items_table(g.items, g.title("clinician") + minutes))
        for line in g.left_out_lines():
            console.print(line, style="dim")
    if p.daily:
        walk = " and a walk" if any(i.duration_min for i in p.daily) else ""
        console.print(_items_table(p.daily, f"Every day — short drills{walk}, e.g. before work"))
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
            t.add_row(r.id, r.summary, r.source)
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


def render_progress(view: ProgressView, console: Console) -> None:
    """The progress report as panels and tables."""
    r = view.report
    head = Text.assemble(
        (r.client.name, "bold"),
        f"   as of {r.as_of or 'no sessions yet'}",
        f"   progression rules {r.rulebook}",
    )
    basis = Text(view.basis, style="dim")
    console.print(Panel(Group(head, basis), title="BackExpert progress"))
    for f in r.flags:
        where = view.where(f)
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
            target = view.target(rec)
            if view.moved(rec):
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
        for row in view.trend_rows():
            t.add_row(*row)
        console.print(t)
    for g in r.recovery:
        style = "yellow" if g.hours < 48 else "dim"
        console.print(f"intense sessions {g.first} → {g.second}: {g.hours} h", style=style)


def render_clients(found: Iterable[ClientInfo], console: Console) -> None:
    """Stored clients with counts of assessments and sessions."""
    t = Table(box=box.SIMPLE)
    for col in ("Id", "Name", "Born", "Assessments", "Sessions", "Last session"):
        t.add_column(col)
    for c in found:
        t.add_row(
            str(c.id),
            Text(c.name),
            str(c.born or "-"),
            str(c.assessments),
            str(c.sessions),
            str(c.last_session or "-"),
        )
    console.print(t)
