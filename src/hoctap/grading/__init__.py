"""What hoctap adds around nbgrader: answer keys out of releases, feedback without hidden tests,
a fetch log, the late-submission policy. Each piece plugs into nbgrader's own pipeline."""
