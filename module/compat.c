// SPDX-License-Identifier: GPL-2.0
/*
 * Fallbacks for kernels that lack an interface hotplug_lab uses: what
 * only sysfs shows is read once at load.
 */
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/range.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "hotplug_lab.h"

#ifdef HPLAB_HAVE_MHP_GET_DEFAULT_ONLINE_TYPE
/**
 * hplab_default_online_type() - the kernel's online type for new memory
 *
 * Return: its name as /sys/devices/system/memory/auto_online_blocks shows it.
 */
const char *hplab_default_online_type(void)
{
	switch (mhp_get_default_online_type()) {
	case MMOP_ONLINE:
		return "online";
	case MMOP_ONLINE_KERNEL:
		return "online_kernel";
	case MMOP_ONLINE_MOVABLE:
		return "online_movable";
	default:
		return "offline";
	}
}
#endif

/*
 * Read a small sysfs file at load, without any lock of ours: reading a
 * sysfs file takes that file's seq_file lock, and under hplab.lock that
 * would order a seq_file lock after it, where every debugfs read here
 * takes them the other way round.
 */
static ssize_t __init hplab_read_text(const char *path, char *buf, size_t size)
{
	struct file *file = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t ret;

	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_read(file, buf, size - 1, &pos);
	filp_close(file, NULL);
	buf[ret > 0 ? ret : 0] = '\0';
	return ret;
}

#ifndef HPLAB_HAVE_MHP_SUPPORTS_MEMMAP_ON_MEMORY_VOID
#define HPLAB_MEMMAP_PARAM "/sys/module/memory_hotplug/parameters/memmap_on_memory"

/* memory_hotplug.memmap_on_memory, read at load: it is 0444 and ro_after_init. */
static bool hplab_memmap_param;

/*
 * The parameter is static in mm/memory_hotplug.c; its sysfs file prints Y
 * or N, and a kernel without it cannot self-host the memmap.
 */
static void __init hplab_memmap_param_init(void)
{
	char buf[8];

	if (hplab_read_text(HPLAB_MEMMAP_PARAM, buf, sizeof(buf)) > 0)
		hplab_memmap_param = buf[0] == 'Y';
}

bool hplab_memmap_on_memory(void)
{
	return hplab_memmap_param;
}
#else
static inline void hplab_memmap_param_init(void)
{
}
#endif

/*
 * The firmware's own memory map, as it was before memmap= changed the
 * kernel's: x86 keeps it as e820_table_firmware and shows it in
 * /sys/firmware/memmap (CONFIG_FIRMWARE_MEMMAP). e820__mapped_raw_any()
 * reads the same table, but tells whether any byte of a range has a type,
 * not whether every byte has, and Linux 7.3 exports it to KVM only. The
 * map is read once at load: what add_memory() adds to it later is System
 * RAM already, which no claim may overlap anyway. Without it (another
 * architecture, or no /sys where the module is loaded), every claim needs
 * "force".
 */
#define HPLAB_FIRMWARE_MEMMAP "/sys/firmware/memmap/%u/%s"
#define HPLAB_FIRMWARE_MAX_ENTRIES 4096

static struct range *hplab_firmware_ram;	/* inclusive ends */
static unsigned int hplab_nr_firmware_ram;
static bool hplab_firmware_map_read;

static int __init hplab_firmware_read(unsigned int entry, const char *field,
				      char *buf, size_t size)
{
	char path[64];
	ssize_t ret;

	snprintf(path, sizeof(path), HPLAB_FIRMWARE_MEMMAP, entry, field);
	ret = hplab_read_text(path, buf, size);
	if (ret < 0)
		return ret;
	strim(buf);
	return 0;
}

/* Entry @entry of the map, if it is System RAM: 1; other types: 0. */
static int __init hplab_firmware_entry(unsigned int entry, struct range *ram)
{
	char buf[32];
	u64 start, end;
	int ret;

	ret = hplab_firmware_read(entry, "type", buf, sizeof(buf));
	if (ret)
		return ret;
	if (strcmp(buf, "System RAM"))
		return 0;
	ret = hplab_firmware_read(entry, "start", buf, sizeof(buf)) ?:
	      kstrtoull(buf, 0, &start) ?:
	      hplab_firmware_read(entry, "end", buf, sizeof(buf)) ?:
	      kstrtoull(buf, 0, &end);
	if (ret)
		return ret;
	ram->start = start;
	ram->end = end;
	return 1;
}

/*
 * Entries are numbered as they were added, and a number whose memory was
 * removed again (an ACPI DIMM unplugged) leaves a gap: the map ends after
 * HPLAB_FIRMWARE_MAX_GAP missing numbers in a row.
 */
#define HPLAB_FIRMWARE_MAX_GAP 64

/* The RAM entries, as many as fit in @ram[@size]; returns how many there are. */
static unsigned int __init hplab_firmware_walk(struct range *ram,
					       unsigned int size)
{
	unsigned int entry, missing = 0, nr = 0;
	struct range found;
	int ret;

	for (entry = 0; entry < HPLAB_FIRMWARE_MAX_ENTRIES &&
	     missing < HPLAB_FIRMWARE_MAX_GAP; entry++) {
		ret = hplab_firmware_entry(entry, &found);
		missing = ret == -ENOENT ? missing + 1 : 0;
		if (ret != 1)
			continue;
		if (nr < size)
			ram[nr] = found;
		nr++;
	}
	return nr;
}

static void __init hplab_firmware_map_init(void)
{
	unsigned int nr = hplab_firmware_walk(NULL, 0);

	if (!nr)
		return;
	hplab_firmware_ram = kcalloc(nr, sizeof(*hplab_firmware_ram),
				     GFP_KERNEL);
	if (!hplab_firmware_ram)
		return;
	hplab_nr_firmware_ram = min(nr, hplab_firmware_walk(hplab_firmware_ram, nr));
	hplab_firmware_map_read = true;
}

/**
 * hplab_compat_init() - read at load what this kernel only shows in sysfs
 */
void __init hplab_compat_init(void)
{
	hplab_memmap_param_init();
	hplab_firmware_map_init();
}

/**
 * hplab_compat_exit() - free what hplab_compat_init() read
 */
void hplab_compat_exit(void)
{
	kfree(hplab_firmware_ram);
}

/**
 * hplab_firmware_map_known() - could the firmware's memory map be read
 *
 * Return: false on a kernel without /sys/firmware/memmap.
 */
bool hplab_firmware_map_known(void)
{
	return hplab_firmware_map_read;
}

/**
 * hplab_firmware_ram_covers() - is a range RAM in the firmware's memory map
 * @start: physical start
 * @size: size, not zero
 *
 * Return: true if every byte of the range lies in "System RAM" entries of
 * the map as the firmware gave it, before memmap=.
 */
bool hplab_firmware_ram_covers(u64 start, u64 size)
{
	u64 covered = start, last = start + size - 1;
	unsigned int i;
	bool grown;

	/* The entries need not be sorted: extend until nothing adds. */
	do {
		grown = false;
		for (i = 0; i < hplab_nr_firmware_ram; i++) {
			const struct range *ram = &hplab_firmware_ram[i];

			if (ram->start <= covered && ram->end >= covered) {
				if (ram->end >= last)
					return true;
				covered = ram->end + 1;
				grown = true;
			}
		}
	} while (grown);
	return false;
}
