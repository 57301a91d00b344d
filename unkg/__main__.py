from unkg.cli import app

app(prog_name="unkg")
