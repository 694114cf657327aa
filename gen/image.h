/* Guest images: what a kernel file says about where and how it runs. */
#ifndef PARTITA_IMAGE_H
#define PARTITA_IMAGE_H

#include "model.h"

/* Read the VM's kernel (and initrd) files and fill file_size, mem_size, load and entry.
 * Reports [image-missing] and [image-format]; returns false when the image is unusable. */
bool image_inspect(struct m_system *s, struct m_vm *vm);
/* Only whether the kernel and initrd files can be read, with image_inspect's [image-missing]
 * errors: for a VM whose RAM is unknown, where nothing else about the image can be judged. */
bool image_files_present(struct m_vm *vm);

#endif
