# The shortest tour: load, claim, add, remove, unload.
. /tests/lib.sh

setup
check "insmod and claim" test "$(cat "$HPLAB/region")" != none
g=$(new_group "static 512M")
expect_ok add "$g 0x40000000 512M memmap=on"
check "kernel matches module" kernel_matches_module
expect_err EINVAL remove "$g 0x40000000 128M"
expect_ok remove "$g all"
check "cleanup and rmmod" cleanup
