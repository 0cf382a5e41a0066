"""The lesson's explorer: change the sensor (beams, tilt, range noise) and watch the scan change."""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from gdl_teach.core.validate import check_choice, check_float
from gdl_teach.driving.lidar import Sensor, cast
from gdl_teach.driving.scene import CLASSES, NUM_CLASSES, Scene
from gdl_teach.driving.viz import CLASS_CMAP, label_grid
from gdl_teach.viz.explorer import Explorer

BEAM_CHOICES: tuple[int, ...] = (16, 32, 64)


class SensorExplorer(Explorer):
    """Beams (dropdown), pitch and range noise (sliders): the range image and a side view of the new scan.

    Each move re-runs the ray-caster on the same scene (a few hundredths of a
    second). ``last_result`` is a dict with the number of points and the
    points per class of the scan shown.

    Args:
        scene: the street scene to scan.
        sensor: the starting sensor (its beams must be one of 16, 32, 64).
        pitch: starting nose-down tilt in degrees, in [-6, 6].
        range_noise: starting range noise in metres, in [0, 0.3].
        seed: seed of the noise and dropout.
    """

    def __init__(self, scene: Scene, sensor: Sensor | None = None, pitch: float = 0.0, range_noise: float = 0.02,
                 seed: int = 0) -> None:
        if not isinstance(scene, Scene):
            raise TypeError(f"scene must be a Scene (from scene.make_scene), got {type(scene).__name__}")
        self.scene, self.seed = scene, seed
        self.sensor = Sensor() if sensor is None else sensor
        check_choice("sensor.num_beams", self.sensor.num_beams, BEAM_CHOICES)
        check_float("pitch", pitch, min_value=-6.0, max_value=6.0)
        check_float("range_noise", range_noise, min_value=0.0, max_value=0.3)
        beams = widgets.Dropdown(options=list(BEAM_CHOICES), value=self.sensor.num_beams, description="beams")
        tilt = widgets.FloatSlider(value=pitch, min=-6.0, max=6.0, step=0.5, description="pitch (deg)",
                                   continuous_update=False)
        noise = widgets.FloatSlider(value=range_noise, min=0.0, max=0.3, step=0.01, description="noise (m)",
                                    continuous_update=False)
        super().__init__({"beams": beams, "pitch": tilt, "noise": noise},
                         title="A spinning LiDAR: change the sensor, the street stays")

    def draw(self, beams: int, pitch: float, noise: float) -> tuple[plt.Figure, dict]:
        """Scan the scene with the chosen sensor; range image on top, side view below."""
        sensor = self.sensor.with_changes(num_beams=beams, pitch=pitch, range_noise=noise)
        scan = cast(self.scene, sensor, seed=self.seed)
        lab = scan.y.numpy()
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6), gridspec_kw={"height_ratios": [1, 1.1]})
        image = label_grid(scan.y, scan.row * sensor.num_columns + scan.col, beams * sensor.num_columns)
        ax1.imshow(image.reshape(beams, sensor.num_columns), cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5,
                   aspect="auto", interpolation="nearest", extent=(180, -180, sensor.fov_down, sensor.fov_up))
        ax1.set_title(f"range image: {beams} beams x {sensor.num_columns} columns, {scan.num_points} points")
        ax1.set_xlabel("azimuth (deg)")
        ax1.set_ylabel("elevation (deg)")
        p = scan.pos.numpy()
        ahead = np.abs(p[:, 1]) < 6.0  # a slice along the street
        ax2.scatter(p[ahead, 0], p[ahead, 2], c=lab[ahead], cmap=CLASS_CMAP, vmin=-0.5, vmax=NUM_CLASSES - 0.5, s=2)
        ax2.set_xlim(-sensor.max_range, sensor.max_range)
        ax2.set_ylim(-4, 8)
        ax2.set_xlabel("x (m, forward) in the sensor frame")
        ax2.set_ylabel("z (m)")
        ax2.set_title("side view of the points within 6 m of the sensor's path")
        fig.tight_layout()
        counts = np.bincount(lab, minlength=NUM_CLASSES)
        return fig, {"points": scan.num_points, **{c: int(n) for c, n in zip(CLASSES, counts)}}
