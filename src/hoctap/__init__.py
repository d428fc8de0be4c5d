"""hoctap: training and knowledge contests on the learning society, for Cao Bằng's communicators."""

__version__ = "0.1.0"
