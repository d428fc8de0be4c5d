"""The knowledge contest's engine: grading answers, ranking entries, awarding prizes."""
