"""What every stage shares: problems (errors as data), safe file and YAML reading, the
registry field declarations, DataFrame helpers, background threads and progress hooks.

Nothing here imports a stage; every stage may import from here.
"""
