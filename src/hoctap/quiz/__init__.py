"""Question banks: the question model and readers/writers of the formats officials use."""
