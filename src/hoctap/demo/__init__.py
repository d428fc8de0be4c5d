"""The demo: generated people, their activity and a sample forms contest. Nothing in it is real."""
