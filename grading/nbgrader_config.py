# Grading policy shared by every hoctap course: configuration only, loaded by the course's
# nbgrader_config.py (written into HOCTAP_HOME by hoctap). Paths and databases are set there.
from hoctap.grading.nbconfig import configure

c = get_config()  # noqa: F821

# hoctap's steps in nbgrader's pipelines: answer keys removed from releases, feedback without
# hidden tests or rubrics, the late penalty of grading/policy.yaml, a record of fetches.
configure(c)

# What trainees see where a solution was removed, in Vietnamese.
c.ClearSolutions.code_stub = {"python": "# VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VIẾT CÂU TRẢ LỜI CỦA BẠN Ở ĐÂY"

# A cell that runs longer than this is stopped and scored 0 (an infinite loop, for instance).
c.ExecutePreprocessor.timeout = 60
