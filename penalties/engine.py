"""The escalation engine: a pure computation of one person's standing for one assessment year.

Given the person's sanctions and commendations (plain records, already loaded) and the policy
(a plain snapshot, `PolicySpec.from_policy(policy)`), `standing_compute` returns what counts,
the escalations triggered, the annual rating floor and the consequences — each with the
records that caused it ("why"). No database access here: tests feed tables of records.

Rules (see docs/penalties.md):
- Only sanctions in force whose `decided_on` falls in the assessment year count; revoked and
  withdrawn ones never count (they may be passed in and are listed as not counting).
- Escalation rules of result SANCTION run first, in rule order: every `threshold` counted
  sanctions of `counted_level` (or that level and heavier, with `or_heavier`) become one
  derived sanction of `result_level` (e.g. three 诫勉教育 → one 效能告诫); the records used
  are consumed, leftovers stay. Derived sanctions count like real ones in later rules.
- Escalation rules of result RATING: when the counted sanctions (real and derived) reach
  `threshold`, the annual rating is forced to `result_rating` (e.g. two 效能告诫 → 不称职).
  A level with its own `rating_floor` forces it too. The worst floor wins (RATING_ORDER).
- Consequences: triggered by `min_count` sanctions at `min_level` or heavier (any level when
  empty), or by the rating floor reaching `on_rating`; bonus withheld is the sum of the
  counted sanctions' `bonus_withheld_percent`, capped at 100.
"""
