"""Who and where: the IVR's menu tree and which district a number belongs to."""
