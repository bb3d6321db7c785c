import { LabIcon } from '@jupyterlab/ui-components';

import codeparkSvg from '../style/icons/codepark.svg';

export const codeparkIcon = new LabIcon({
  name: 'jupyter-codepark:codepark',
  svgstr: codeparkSvg
});
