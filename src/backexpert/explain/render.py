"""The explanations as rich tables for the terminal (the JSON is the models themselves)."""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .models import (
    Difference,
    FactChange,
    ImpactReport,
    PrescriptionDiff,
    Proposal,
    WhatIfAnswer,
    WhyNotAnswer,
)

_STATUS_STYLE = {
    "prescribed": "bold green",
    "capped": "yellow",
    "replaced": "yellow",
    "excluded": "bold red",
    "not_added": "bold red",
    "stopped": "bold red",
}


def _value(v: object) -> str:
    if v is None:
        return "-"
    return str(v).lower() if isinstance(v, bool) else str(v)


def _fact(c: FactChange) -> Text:
    t = Text(f"{c.fact}: {_value(c.before)} → {_value(c.after)}")
    if c.nature != "choice":
        t.append(f"  ({c.note})", style="dim italic")
    return t


def _proposal_table(title: str, proposals: Iterable[Proposal]) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", expand=True)
    t.add_column("#", width=3)
    t.add_column("Change the intake (--what-if)", ratio=4, overflow="fold")
    t.add_column("Facts that change", ratio=5, overflow="fold")
    t.add_column("Rules", ratio=3, style="dim", overflow="fold")
    for n, p in enumerate(proposals, 1):
        facts = Text()
        for i, c in enumerate(p.changes):
            if i:
                facts.append("\n")
            facts.append_text(_fact(c))
        if p.stopped_by:
            facts.append("\nstopped by: " + "; ".join(p.stopped_by), style="bold red")
        edits = "\n".join(e.change + (f"  ({e.note})" if e.note else "") for e in p.edits)
        t.add_row(str(n), edits, facts, "\n".join(p.rules))
    return t


def render_why_not(a: WhyNotAnswer, console: Console) -> None:
    head = Text.assemble(
        (f"Why not {a.target}? ", "bold"),
        (a.status.replace("_", " "), _STATUS_STYLE.get(a.status, "bold")),
        (f"   rule base {a.rulebook}", "dim"),
    )
    head.append("\n" + a.summary)
    console.print(Panel(head, title="BackExpert: why not", title_align="left"))
    for p in a.present:
        line = f"{p.exercise}: {', '.join(p.where)}"
        if p.substitutes_for:
            line += f" (instead of {p.substitutes_for})"
        console.print(line)
        for adj in p.adjustments:
            console.print(f"  {adj}", style="dim")
    if a.blockers:
        t = Table(title="What keeps it out", box=box.SIMPLE_HEAVY, title_justify="left")
        t.add_column("Kind")
        t.add_column("Rule and reason", ratio=5, overflow="fold")
        t.add_column("On the facts", ratio=3, overflow="fold")
        t.add_column("Would lift it (verified)", ratio=4, overflow="fold")
        for b in a.blockers:
            why = Text(b.rule or "-", style="bold")
            why.append(f"\n{b.reason}")
            if b.summary:
                why.append(f"\n{b.summary}", style="dim")
            facts = "\n".join(
                ", ".join(f"{k}={_value(v)}" for k, v in m.items()) or "always" for m in b.matched
            )
            if b.conditions_met:
                facts += "\nmeets: " + " | ".join(" and ".join(c) for c in b.conditions_met)
            lifts = Text()
            for i, lift in enumerate(b.lifts):
                if i:
                    lifts.append("\n")
                lifts.append(", ".join(e.change for e in lift.edits))
                if lift.outcome == "stopped":
                    lifts.append(" (stopped: " + "; ".join(lift.stopped_by) + ")", style="red")
                elif lift.findings:
                    lifts.append(" (a finding of the client, not a choice)", style="dim italic")
            t.add_row(b.kind, why, facts, lifts)
        console.print(t)
    if a.ways:
        console.print(_proposal_table("What would put it in (verified by re-assessing)", a.ways))
    if a.stopped:
        console.print(
            _proposal_table("Would add it, but something stops it (never a way round)", a.stopped)
        )
    for u in a.unsettable:
        console.print(f"cannot be set in the intake: {u.fact} = {_value(u.value)} ({u.reason})")


def diff_table(diff: PrescriptionDiff, title: str = "What changes") -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left", expand=True)
    t.add_column("Kind", ratio=2)
    t.add_column("Difference", ratio=8)
    t.add_column("Because (rules; the clinician's edits)", ratio=4, style="dim", overflow="fold")
    for d in diff.differences:
        t.add_row(d.kind.replace("_", " "), _difference(d), _because(d))
    return t


def _because(d: Difference) -> Text:
    """The rules responsible, then each clinician's edit as such (the clinician is no rule)."""
    out = Text("\n".join(d.because))
    for e in d.edits:
        out.append(("\n" if out.plain else "") + f"clinician's edit {e}", style="italic")
    return out


def _difference(d: Difference) -> Text:
    style = "bold red" if d.kind in ("withheld", "status", "referral") else ""
    return Text(d.text, style=style)


def render_what_if(a: WhatIfAnswer, console: Console) -> None:
    d = a.diff
    head = Text.assemble(("What if ", "bold"), (", ".join(c.change for c in a.changes), "bold"))
    head.append(f"\nstatus {d.before.status} → {d.after.status}")
    if d.before.load_level is not None or d.after.load_level is not None:
        head.append(f"; load level {_value(d.before.load_level)} → {_value(d.after.load_level)}")
    if d.after.withheld:
        head.append("\nwithheld by the safety monitor: " + "; ".join(d.after.withheld), "bold red")
    for c in a.changes:
        if c.note:
            head.append(f"\n{c.change}: {c.note}", style="dim")
    console.print(Panel(head, title="BackExpert: what if", title_align="left"))
    if a.facts:
        t = Table(title="Facts that change", box=box.SIMPLE_HEAVY, title_justify="left")
        t.add_column("Fact")
        t.add_column("Before")
        t.add_column("After")
        t.add_column("Kind", style="dim")
        for f in a.facts:
            t.add_row(f.fact, _value(f.before), _value(f.after), f.nature)
        console.print(t)
    if d.empty:
        console.print("No difference: the same prescription.")
        return
    console.print(diff_table(d))


def render_impact(r: ImpactReport, console: Console, limit: int = 20) -> None:
    s = r.summary
    head = Text.assemble(
        ("Impact of the rule change", "bold"),
        f"\nbefore: {r.before.version} ({r.before.rules} rules, {r.before.directory})",
        f"\nafter:  {r.after.version} ({r.after.rules} rules, {r.after.directory})",
        f"\n{s.clients} clients: {s.changed} change, {s.unchanged} unchanged, {s.failed} failed",
    )
    for side, x in (("before", r.before), ("after", r.after)):
        if x.note:
            head.append(f"\n{side}: {x.note}", style="yellow")
    console.print(Panel(head, title="BackExpert: rules impact", title_align="left"))
    if s.referrals_appear or s.referrals_vanish or s.withheld:
        t = Table(title="Referrals and withheld programs", box=box.SIMPLE_HEAVY)
        t.add_column("What")
        t.add_column("Clients", overflow="fold")
        for label, ids in (
            ("referral appears", s.referrals_appear),
            ("referral vanishes", s.referrals_vanish),
            ("withheld by the safety monitor", s.withheld),
        ):
            if ids:
                t.add_row(label, ", ".join(map(str, ids)))
        console.print(t)
    t = Table(title="Summary", box=box.SIMPLE_HEAVY, title_justify="left")
    t.add_column("Change")
    t.add_column("Clients", justify="right")
    for change, n in s.status_changes.items():
        t.add_row(f"status {change}", str(n))
    for ex, n in s.exercises_gained.items():
        t.add_row(f"gain {ex}", str(n))
    for ex, n in s.exercises_lost.items():
        t.add_row(f"lose {ex}", str(n))
    t.add_row("load level changes", str(s.load_level_changes))
    t.add_row("dose changes", str(s.dose_changes))
    t.add_row("explanation changes only", str(s.explanation_only))
    console.print(t)
    for c in r.changed[:limit]:
        program = [d for d in c.differences if not d.kind.startswith(("rule_", "fact"))]
        rules = [d for d in c.differences if d.kind.startswith("rule_")]
        title = f"Client {c.client_id} {c.name}: {c.before.status} → {c.after.status}"
        shown = PrescriptionDiff(before=c.before, after=c.after, differences=program or rules)
        console.print(diff_table(shown, title))
    if len(r.changed) > limit:
        console.print(f"... and {len(r.changed) - limit} more clients (--limit, or --format json)")
    for f in r.failed:
        console.print(f"client {f.client_id} {f.name}: failed: {f.error}", style="red")
