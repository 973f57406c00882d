# make demo: load the module and run demos/tour.sh in the VM.
. /tests/lib.sh
load_module
sh /demos/tour.sh
