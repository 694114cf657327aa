/* Guest images: what a kernel file says about where and how it runs. */
#ifndef PARTITA_IMAGE_H
#define PARTITA_IMAGE_H

#include "model.h"

/* Read the VM's kernel (and initrd) files and fill file_size, mem_size, load and entry.
 * Reports [image-missing] and [image-format]; returns false when the image is unusable. */
bool image_inspect(struct m_system *s, struct m_vm *vm);

#endif
