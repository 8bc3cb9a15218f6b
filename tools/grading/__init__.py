"""The course's grading, as a package: ``tools/autograde.py`` is its command line.

* ``settings``: ``GradingSettings``, every ``CS_*`` switch of grading in one typed object;
* ``records``: ``Status``, ``EventKind``, ``Event`` and ``Item``: what grading produces, as data;
* ``collect`` and ``match``: hand-ins in, staged notebooks out; ``match_notebooks`` is pure;
* ``schedule``: tasks per worker, a student's deadline, shards;
* ``worker``: the worker process (nbgrader's Autograde and GenerateFeedback) and its runner;
* ``canary``: the reference solutions graded first;
* ``results``: gradebook clean-up, the CSV, the LMS CSV, the report, the results, the merge;
* ``preprocessors``: nbgrader preprocessors, one per module; ``events``: what they record;
* ``guard_program``: the tampering guard's code that runs in the kernel;
* ``mathtext``, ``feedback_exporter``, ``templates/``: the feedback HTML.

docs/grading.md describes it all, for instructors.
"""
