"""The analysis core stays pure: importing it pulls in no Flask and no NLTK."""
import subprocess
import sys


def test_core_imports_without_flask_or_nltk():
    code = ("import sys; import service.analysis as a; from service.analysis import readability, core; "
            "r = readability.Readability(); r.measures('One short sentence here.'); "
            "bad = [m for m in ('flask', 'werkzeug', 'nltk') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
