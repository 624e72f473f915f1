import sys

from evidence_site.editing.cli import main

sys.exit(main())
