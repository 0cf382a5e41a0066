"""The ``gdl-teach`` command and what stands behind it: the doctor, the lesson
benchmark, workshop editions and the Colab badge/install cell."""
