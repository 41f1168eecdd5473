"""Stage 3, detect: the rules engine. Rules are discovered and configured
(:mod:`.rulekit`), run over the validated claims (:mod:`.engine`) with the grouping and time
scopes they share (:mod:`.grouping`, :mod:`.scope`, :mod:`.timeline`), and their conflicts
collected as tidy tables with stable fingerprints."""
