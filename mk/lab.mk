# mk/lab.mk - included by the top Makefile.
