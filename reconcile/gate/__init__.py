"""Stage 5, gate: each conflict's status against the baseline and the editors' decisions
(:mod:`.state`), conflicts followed when their values change (:mod:`.succession`), and the
history of verdicts (:mod:`.history`)."""
