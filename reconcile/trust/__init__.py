"""Stage 4, trust: the source-agreement graph (:mod:`.graph`), truth discovery
(:mod:`.model`, :mod:`.classic_models`, :mod:`.fusion`), dependence between sources
(:mod:`.dependence`), and the suggestion and ranking of each conflict
(:mod:`.suggestions`, :mod:`.ranked`)."""
