"""Explanations a colleague would ask for: why not, what if, and the impact of a rule change.

- `whynot`: why an exercise or movement pattern is not prescribed (or is capped), which rules
  and facts keep it out, and the smallest verified changes that would put it in; built on
  `changesets` (fact changes combined, smallest first), `fact_search` (changes that make a
  rule's conditions hold or not, verified by re-assessing), `blockers` (what keeps an exercise
  out, and their lifts) and `ways` (the changes that would put it in).
- `whatif`: the intake re-assessed with some changes, and the difference.
- `diff`: two prescriptions compared, each difference with the rules responsible: `outcomes`
  (a prescription or what withheld it), `differences` (their kinds and order), `causes` (the
  rules responsible, the clinician's edits), `item_diffs` and `program_diffs`.
- `syntax`: the what-if syntax; `intake_paths`: field paths walked through the intake model;
  `edits`: edits applied to an intake, validated again.
- `intake_facts`: a client's intake facts, the ones that change, and their nature.
- `fact_edits`: fact changes as intake edits, from `field_edits` (list entries, answers,
  conditions, pain, fields) and `questionnaire_edits` (answers that score a wanted value).
- `impact`: every client re-assessed under two rulebooks, in worker processes.

This package reads the assessment pipeline and the rule IR; like the domain, it never imports
the store, the services or a shell.
"""
