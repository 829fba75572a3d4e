from fitsm_kit.cli import run

run()
