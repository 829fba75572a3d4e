from fitsm_kit.cli import main

main()
