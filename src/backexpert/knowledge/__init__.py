"""The expert-system kernel: vocabularies, the rule IR and its compiler, engines, explanations.

Nothing here knows about backs or exercises: each pipeline (assessment, progression) brings its
own vocabulary of facts and actions, and the kernel compiles and evaluates rules over it.
"""
