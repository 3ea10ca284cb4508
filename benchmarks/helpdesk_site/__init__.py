"""A minimal Django project serving django-helpdesk for `benchmarks/helpdesk.py`.

It runs in its own virtual environment (`var/helpdesk-venv`, `helpdesk-requirements.txt`),
never in firstask's: the two need different Django versions.
"""
