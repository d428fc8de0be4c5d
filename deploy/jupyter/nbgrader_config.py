# nbgrader for every account of the province server: installed as /etc/jupyter/nbgrader_config.py
# (nbgrader reads Jupyter's system configuration folder, then the folder it runs in).
#
# A trainee's JupyterLab opens on their home folder: with these lines alone, Nbgrader →
# Assignment List fetches hoctap's modules from the exchange into it, and submits them under the
# trainee's system user name, which is their hub name and their roster code. The course folder's
# own nbgrader_config.py, written by hoctap in HOCTAP_HOME/course, adds the rest for the grader
# (course root, gradebook, grading policy); it says the same as these lines where both speak.
import os

c = get_config()  # noqa: F821

# hoctap.grading.course.COURSE_ID
c.CourseDirectory.course_id = "hoctap"
# hoctap.settings.Settings.exchange_dir: HOCTAP_HOME/exchange. The hub gives every JupyterLab
# HOCTAP_HOME; /srv/hoctap is the province layout of docs/deploy.*.md.
c.Exchange.root = os.path.join(os.environ.get("HOCTAP_HOME", "/srv/hoctap"), "exchange")
# nbgrader's fetch, plus a record of who fetched which module (hoctap course status shows it).
c.ExchangeFactory.fetch_assignment = "hoctap.grading.exchange.RecordedFetch"
# nbgrader's default NoAuthPlugin: with one course and course_id set, every trainee sees it. The
# demo's workspaces use JupyterHubAuthPlugin instead (courses from the groups nbgrader-<course>);
# here that would hide the modules from anyone not yet put in the group nbgrader-hoctap.
