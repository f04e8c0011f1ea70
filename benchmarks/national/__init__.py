"""The national benchmark's server configuration (settings and URLs); see benchmarks/national_run.py."""
