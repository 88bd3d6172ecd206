not cgats
