"""The rules of SENAE-ISEE-3-2-010 and the yearly update: pure functions and dataclasses, no I/O."""
