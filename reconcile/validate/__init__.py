"""Stage 2, validate: the loaded claims checked (pandera schemas), their names resolved to
registry ids, their values typed (dates, quantities, sets, statuses) and their quotes found
in the documents. Out: the validated claims table every later stage reads."""
