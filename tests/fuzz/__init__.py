"""HTTP fuzzing of every form and JSON endpoint (issue 13): generated requests from
every role, checked for "no 500" and "a refused request changes nothing"."""
