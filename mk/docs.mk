# mk/docs.mk - included by the top Makefile.
