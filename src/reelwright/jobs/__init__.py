"""Background work: the Huey queue, the render task and recovery of jobs a dead worker left."""
