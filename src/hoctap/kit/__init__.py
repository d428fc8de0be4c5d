"""What the training notebooks import: knowledge checks, writing and SMS helpers, charts."""
