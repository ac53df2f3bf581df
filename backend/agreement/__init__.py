"""Inter-coder agreement: how far coders applying a shared codebook agree with each other."""
