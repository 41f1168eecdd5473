"""Stage 5, gate: each conflict's status against the baseline and the editors' decisions
(:mod:`.state`), conflicts followed when their values change (:mod:`.succession`), the
history of verdicts (:mod:`.history`), and what the gate writers write: the baseline
merged with a run's conflicts (:mod:`.baseline_update`) and an editor's verdict
(:mod:`.decide`)."""
