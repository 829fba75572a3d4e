"""Git evidence beside the check: document control (GR2.4) from the repository's history.

:mod:`repo` runs git with a controlled environment; :mod:`history` reads every document version in one
``git log`` pass (:mod:`gitlog`), reading each as the check does (:mod:`docread`), cached and extended by
new commits (:mod:`histcache`); :mod:`evidence` turns commits into
approvals and reviews matched to ``Person`` records; :mod:`doccontrol` is what rules and ``fitsm history``
ask; :mod:`approvers` says who may approve a document (for the rules and for CODEOWNERS);
:mod:`changes` lists the files of a pull request; :mod:`codeowners` and :mod:`review` write CODEOWNERS and
review records.

May import ``sms``, ``model`` and the top-level modules; never ``rules``, ``engine`` or anything above.
"""
