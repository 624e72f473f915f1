"""The benchmark (run.py) and its synthetic evidence generator (synth.py); not part of the site."""
